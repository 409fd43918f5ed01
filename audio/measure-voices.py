#!/usr/bin/env python3
"""Objective proxies for how natural a Dutch TTS voice sounds (issue 12's survey).

For each voice, speaks the same sentences (texts of audio/nl/voice.toml that have a
comma) with espeak-ng at the settings of audio/nl/make-voice.py and measures:

  * pitch variation: F0 per 40 ms frame (autocorrelation, 60-400 Hz, voiced frames
    only), reported as the standard deviation and the 5-95 % range in semitones;
  * pauses at commas: internal silences >= 150 ms (frame RMS 35 dB below the loudest
    frame) per comma or sentence end inside the text;
  * duration per syllable: speech length (edge silence trimmed) / vowel groups.

Usage: audio/measure-voices.py [VOICE ...]   (default: nl mb-nl2 mb-nl3)
Needs espeak-ng (and mbrola + mbrola-nl2/nl3 for the mb- voices) and numpy.
Writes nothing; prints a Markdown table.
"""
import re
import subprocess
import sys
import tempfile
import tomllib
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
SPEED, PITCH, GAP = 145, 40, 1
FRAME = 0.040
HOP = 0.010
MIN_PAUSE = 0.150  # shorter silences are mostly stop closures, not phrase pauses


def speak(voice, text, out):
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(SPEED), "-p", str(PITCH),
                    "-g", str(GAP), "-w", str(out), "--", text],
                   check=True, capture_output=True, env={"LC_ALL": "C.UTF-8"})
    with wave.open(str(out)) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        x = x.reshape(-1, w.getnchannels()).mean(axis=1) / 32768.0
    return x, rate


def frames(x, rate):
    n, h = int(FRAME * rate), int(HOP * rate)
    return [x[i:i + n] for i in range(0, max(len(x) - n, 0), h)]


def f0_track(x, rate):
    out = []
    fr = frames(x, rate)
    rms = np.array([np.sqrt(np.mean(f * f)) for f in fr])
    loud = rms.max()
    lo, hi = int(rate / 400), int(rate / 60)
    for f, r in zip(fr, rms):
        if r < loud * 10 ** (-30 / 20):
            continue
        f = f - f.mean()
        ac = np.correlate(f, f, "full")[len(f) - 1:]
        if ac[0] <= 0:
            continue
        ac = ac / ac[0]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.5:
            out.append(rate / lag)
    return np.array(out)


def pauses(x, rate):
    fr = frames(x, rate)
    rms = np.array([np.sqrt(np.mean(f * f)) for f in fr])
    silent = rms < rms.max() * 10 ** (-35 / 20)
    idx = np.where(~silent)[0]
    if len(idx) == 0:
        return [], 0.0
    a, b = idx[0], idx[-1]
    runs, run = [], 0
    for s in silent[a:b + 1]:
        if s:
            run += 1
        else:
            if run * HOP >= MIN_PAUSE:
                runs.append(run * HOP)
            run = 0
    return runs, (b - a) * HOP + FRAME


def syllables(text):
    return len(re.findall(r"[aeiouyáéíóúàèëïöüäĳ]+", text.lower()))


def main():
    voices = sys.argv[1:] or ["nl", "mb-nl2", "mb-nl3"]
    clips = tomllib.loads((ROOT / "nl" / "voice.toml").read_text())["clips"]
    texts = [c["text"] for c in clips.values() if "," in c["text"]][:20]
    print(f"{len(texts)} sentences with a comma from audio/nl/voice.toml; "
          f"espeak-ng -s {SPEED} -p {PITCH} -g {GAP}\n")
    print("| voice | F0 median Hz | F0 sd (st) | F0 5-95 % (st) | pauses >= 150 ms per comma/stop | mean pause ms | s per syllable |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for voice in voices:
            f0s, sds, ranges, npause, nmarks, plen, dur, syl = [], [], [], 0, 0, [], 0.0, 0
            for i, text in enumerate(texts):
                x, rate = speak(voice, text, Path(tmp) / f"{i}.wav")
                f0 = f0_track(x, rate)
                if len(f0) > 5:
                    st = 12 * np.log2(f0 / np.median(f0))
                    sds.append(st.std())
                    ranges.append(np.percentile(st, 95) - np.percentile(st, 5))
                    f0s.append(np.median(f0))
                p, d = pauses(x, rate)
                npause += len(p)
                plen += p
                nmarks += len(re.findall(r"[,;:.!?](?=\s+\S)", text))
                dur += d
                syl += syllables(text)
            print(f"| {voice} | {np.median(f0s):.0f} | {np.mean(sds):.2f} | {np.mean(ranges):.1f} | "
                  f"{npause / max(nmarks, 1):.2f} ({npause}/{nmarks}) | "
                  f"{(np.mean(plen) * 1000 if plen else 0):.0f} | {dur / max(syl, 1):.3f} |")


if __name__ == "__main__":
    main()
