#!/usr/bin/env bash
# Fills fuzz/seeds/<target>/ from the repository's own files (and, for decode, tiny
# clips made with ffmpeg/flac/oggenc/lame when they are installed). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
repo=..
rm -rf seeds && mkdir -p seeds/session seeds/manifest seeds/decode seeds/program

# session: every session file of the repository (valid, invalid, warnings).
find "$repo/sessions" "$repo/tests/data/sessions" "$repo/tests/data/invalid" \
    "$repo/tests/data/warnings" -name '*.toml' ! -name program.toml -print0 |
    while IFS= read -r -d '' f; do cp "$f" "seeds/session/$(echo "${f#"$repo"/}" | tr / _)"; done

# manifest: every voice.toml.
find "$repo/audio" "$repo/tests/data/voice" -name voice.toml -print0 |
    while IFS= read -r -d '' f; do cp "$f" "seeds/manifest/$(echo "${f#"$repo"/}" | tr / _)"; done

# program: every program.toml, and a few small ones.
find "$repo/sessions" "$repo/tests/data" -name program.toml -print0 |
    while IFS= read -r -d '' f; do cp "$f" "seeds/program/$(echo "${f#"$repo"/}" | tr / _)"; done
printf '[program]\ntitle = "T"\nsessions = ["a.toml", "b.toml"]\n' > seeds/program/small.toml
printf '[program]\ntitle = "T"\ndescription = "d"\nsessions = []\n' > seeds/program/empty.toml

# decode: the small audio fixtures (at most 200 KB)…
find "$repo/tests/data" -type f \( -name '*.wav' -o -name '*.mp3' -o -name '*.ogg' \
    -o -name '*.flac' -o -name '*.m4a' -o -name '*.opus' \) -size -200k -print0 |
    while IFS= read -r -d '' f; do cp "$f" "seeds/decode/$(echo "${f#"$repo"/}" | tr / _)"; done
# …and 50 ms clips in every coding the decoders know, where ffmpeg is installed.
if command -v ffmpeg >/dev/null; then
    gen() { ffmpeg -v error -y -f lavfi -i "sine=f=440:r=8000:d=0.05" "$@"; }
    gen -c:a pcm_u8 seeds/decode/gen-u8.wav
    gen -ac 2 -c:a pcm_s16le seeds/decode/gen-s16-stereo.wav
    gen -c:a pcm_s24le seeds/decode/gen-s24.wav
    gen -c:a pcm_s32le seeds/decode/gen-s32.wav
    gen -c:a pcm_f32le seeds/decode/gen-f32.wav
    gen -c:a pcm_f64le seeds/decode/gen-f64.wav
    gen -c:a pcm_alaw seeds/decode/gen-alaw.wav
    gen -c:a pcm_mulaw seeds/decode/gen-mulaw.wav
    gen -c:a adpcm_ima_wav seeds/decode/gen-ima.wav
    gen -c:a adpcm_ms seeds/decode/gen-msadpcm.wav
    gen -ac 3 -c:a pcm_s16le seeds/decode/gen-3ch.wav
    gen -c:a flac seeds/decode/gen.flac
    gen -ar 16000 -c:a libmp3lame -b:a 32k seeds/decode/gen.mp3 2>/dev/null || true
    gen -ar 16000 -c:a libvorbis seeds/decode/gen.ogg 2>/dev/null || true
    gen -ar 16000 -c:a aac seeds/decode/gen.m4a 2>/dev/null || true
    gen -ar 48000 -c:a libopus seeds/decode/gen.opus 2>/dev/null || true
fi
for t in session manifest decode program; do
    echo "seeds/$t: $(find seeds/$t -type f | wc -l) files"
done
