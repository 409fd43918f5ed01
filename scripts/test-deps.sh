#!/usr/bin/env bash
# Installs what rustig's build and tests need on a fresh Debian/Ubuntu machine (run
# as root). Safe to run again, and quick then: it asks apt and npm only for what is
# missing. With CI set, every test that needs one of these tools fails when the tool
# is missing (tests/tools.rs, `require_tools`), so whatever a test runs is listed here.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# libasound2-dev + pkg-config: cpal's ALSA backend (live play); the capture tests
# play and record through ALSA's file plugin, which needs no sound card.
# lame, vorbis-tools (oggenc), opus-tools (opusenc), flac, ffmpeg: the real encoders
# that make the decode tests' fixtures and the recordings of the import tests.
# espeak-ng: `rustig voice synth` speaks new clips with it.
# chromium: the journal report is opened in a real headless browser; chromium-driver:
# the phone page of `rustig serve` is driven through it over WebDriver.
# procps (kill), util-linux (script), bash: the tests signal, drive a terminal and
# complete through these. e2fsprogs (chattr): a folder that even root cannot write to.
# python3-mutagen, libimage-exiftool-perl, mediainfo: the export tests read tags, covers and
# chapters back with two tag readers of different families (besides ffprobe).
# time (GNU time): the render bench's peak memory of the rustig binary.
packages=(libasound2-dev pkg-config lame vorbis-tools opus-tools flac ffmpeg espeak-ng
  chromium chromium-driver procps util-linux bash e2fsprogs python3-mutagen
  libimage-exiftool-perl mediainfo time)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
    missing+=("$p")
done
# taplo (npm @taplo/cli): the schema test checks that taplo honours the `#:schema`
# line that `rustig new` writes.
if ! command -v taplo >/dev/null && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  echo "test-deps: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# A python3 earlier on PATH than Debian's (pyenv, a venv) does not see python3-mutagen.
if ! python3 -c 'import mutagen' 2>/dev/null; then
  echo "test-deps: installing mutagen for $(command -v python3)"
  python3 -m pip install --quiet mutagen
fi
if ! command -v taplo >/dev/null; then
  echo "test-deps: installing @taplo/cli"
  npm install -g --no-fund --no-audit @taplo/cli >/dev/null
fi
