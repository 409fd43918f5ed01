#!/usr/bin/env bash
# Regenerate the Dutch voice pack: all clips listed in voice.toml, plus
# MEASUREMENTS.md, next to this script. Needs espeak-ng and ffmpeg
# (apt-get install espeak-ng ffmpeg) and python3 (standard library only).
# Extra options are passed on (see: ./make-voice.sh --help).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LC_ALL=C.UTF-8
exec python3 "$here/make-voice.py" "$@"
