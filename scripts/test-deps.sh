#!/usr/bin/env bash
# Installs what rustig's build and tests need on a fresh Debian/Ubuntu machine (run
# as root). Safe to run again: it installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
# libasound2-dev + pkg-config: cpal's ALSA backend (live play); the capture tests
# play and record through ALSA's file plugin, which needs no sound card.
# lame, vorbis-tools, opus-tools, flac, ffmpeg: the real encoders that make the
# decode tests' fixtures and the recordings of the import tests.
# chromium: the journal report is opened in a real headless browser.
apt-get install -y -qq libasound2-dev pkg-config lame vorbis-tools opus-tools flac \
  ffmpeg chromium >/dev/null
# taplo (npm @taplo/cli): the schema test checks that taplo honours the `#:schema`
# line that `rustig new` writes.
if ! command -v taplo >/dev/null; then
  command -v npm >/dev/null || apt-get install -y -qq nodejs npm >/dev/null
  npm install -g --no-fund --no-audit @taplo/cli >/dev/null
fi
