#!/usr/bin/env python3
"""Build the Dutch voice pack of rustig from voice.toml with espeak-ng.

Python 3 standard library only; external tools: espeak-ng, ffmpeg.
Run through make-voice.sh (see README.md).

For every `"id" = { file = "...", text = "..." }` line in the [clips] table:

  1. espeak-ng -v nl synthesizes the text (22050 Hz, mono, 16-bit);
  2. ffmpeg applies a gain and a look-ahead peak limiter (alimiter), so that
     the clip reaches -16 LUFS with its peaks at or below about -2 dBFS;
  3. the result is trimmed: everything before the first and after the last
     sample above -50 dBFS is cut, keeping 20 ms on either side (zeros are
     added where the synthesis has less), with a 5 ms fade at both ends;
  4. ffmpeg's ebur128 filter measures integrated loudness, true and sample
     peak; steps 2-4 repeat with a corrected gain until the clip is within
     0.1 LU of -16 LUFS.

Every clip is then checked (duration <= 6.0 s, lead/trail silence <= 30 ms,
-16 +-1 LUFS, peak <= -1 dBFS, mono) and the script exits non-zero if any
check fails. MEASUREMENTS.md is written next to voice.toml (by full builds, not --only).

Options (for experiments; the defaults are the chosen settings):
  --out DIR          write clips and MEASUREMENTS.md to DIR instead
  --speed/--pitch/--gap/--amplitude N   espeak-ng -s/-p/-g/-a
  --only ID[,ID...]  build only these clips
"""

import argparse
import array
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- chosen settings (see README.md for why) ------------------------------
VOICE = "nl"
SPEED = 145        # words per minute (espeak-ng default 175)
PITCH = 40         # 0..99 (default 50)
GAP = 1            # extra pause between words, in units of 10 ms
AMPLITUDE = 100    # espeak-ng default; peaks of the raw output stay < 0 dBFS

RATE = 22050                 # espeak-ng's native rate: no resampling
TARGET_LUFS = -16.0
LUFS_TOLERANCE_BUILD = 0.1   # iterate the gain until within this
LIMIT_LINEAR = 0.79          # alimiter ceiling, -2.05 dBFS (true peak stays < -1)
LIMIT_ATTACK_MS = 3
LIMIT_RELEASE_MS = 60
SILENCE_DBFS = -50.0         # threshold for "silence" (trim and measurement)
PAD_MS = 20                  # kept before the first / after the last sound
FADE_MS = 5                  # fade over the outer part of the pad

# ---- checks ---------------------------------------------------------------
MAX_DURATION = 6.0
MAX_EDGE_SILENCE = 0.030
LUFS_TOLERANCE = 1.0
MAX_PEAK_DBFS = -1.0

# Spoken form of words espeak-ng's Dutch rules get wrong (text in voice.toml
# stays the normal spelling; this only changes what espeak-ng is given).
PRONUNCIATION = [
    (r"\bSquats\b", "Skwots"),     # not "skvats"
    (r"\bLunges\b", "Lunches"),    # gives "lunsjes"; "Lunges" gives "lungès"
    (r"\bEén\b", "Één"),           # "Eén" is read as "ee-een"; lower-case
                                   # "één" would hide the sentence end before it
]

CLIP_RE = re.compile(
    r'^"(?P<id>[^"]+)"\s*=\s*\{\s*file\s*=\s*"(?P<file>[^"]+)"\s*,'
    r'\s*text\s*=\s*"(?P<text>(?:[^"\\]|\\.)*)"\s*\}\s*$'
)


def die(msg):
    print("make-voice: " + msg, file=sys.stderr)
    sys.exit(1)


def read_clips(path):
    clips = []
    section = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if s.startswith("["):
                section = s
                continue
            if section != "[clips]":
                continue
            m = CLIP_RE.match(s)
            if not m:
                die(f"{path}:{n}: cannot read clip line: {s}")
            cid, fname = m.group("id"), m.group("file")
            text = m.group("text").replace('\\"', '"').replace("\\\\", "\\")
            want = cid.replace(".", "-") + ".wav"
            if fname != want:
                die(f"{path}:{n}: file for {cid} should be {want}, not {fname}")
            clips.append((cid, fname, text))
    ids = [c[0] for c in clips]
    if len(set(ids)) != len(ids):
        die("duplicate clip ids in voice.toml")
    if not clips:
        die("no clips found in [clips]")
    return clips


def spoken(text):
    for pat, rep in PRONUNCIATION:
        text = re.sub(pat, rep, text)
    return text


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if p.returncode != 0:
        die("command failed: " + " ".join(cmd) + "\n" + p.stderr.decode(errors="replace"))
    return p


def synth(text, out_wav, args):
    run(["espeak-ng", "-v", VOICE, "-s", str(args.speed), "-p", str(args.pitch),
         "-g", str(args.gap), "-a", str(args.amplitude), "-w", out_wav, "--", text])


def read_wav(path):
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            die(f"{path}: expected 16-bit samples")
        ch, rate = w.getnchannels(), w.getframerate()
        data = array.array("h")
        data.frombytes(w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    return data, rate, ch


def write_wav(path, samples, rate):
    data = array.array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data.tobytes())


def gain_limit(raw_wav, gain_db):
    """Gain, then look-ahead limiter; returns 16-bit mono samples."""
    af = (f"volume={gain_db:.3f}dB,"
          f"alimiter=limit={LIMIT_LINEAR}:attack={LIMIT_ATTACK_MS}:"
          f"release={LIMIT_RELEASE_MS}:level=disabled:latency=1")
    p = run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
             "-i", raw_wav, "-af", af, "-ac", "1", "-ar", str(RATE),
             "-f", "s16le", "-c:a", "pcm_s16le", "-"])
    data = array.array("h")
    data.frombytes(p.stdout)
    if sys.byteorder == "big":
        data.byteswap()
    return data


def threshold_amp():
    return 32768.0 * 10 ** (SILENCE_DBFS / 20)


def sound_bounds(samples):
    """Index of the first and last sample above the silence threshold."""
    t = threshold_amp()
    first = next((i for i, x in enumerate(samples) if abs(x) > t), None)
    if first is None:
        return None, None
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > t)
    return first, last


def trim(samples, rate):
    """Cut to [first - pad, last + pad], fade 5 ms at both ends, pad with zeros.

    Returns the trimmed samples and the largest |sample| that was cut away
    (proof that no sound above the threshold was removed)."""
    first, last = sound_bounds(samples)
    if first is None:
        die("clip is silent")
    pad = round(PAD_MS * rate / 1000)
    fade = round(FADE_MS * rate / 1000)
    a, b = max(0, first - pad), min(len(samples), last + 1 + pad)
    cut = max([abs(x) for x in samples[:a]] + [abs(x) for x in samples[b:]] + [0])
    seg = array.array("h", samples[a:b])
    n = len(seg)
    # fade the first and last 5 ms of what is kept (the quiet pre- and
    # post-roll; or the onset itself where the synthesis starts with sound)
    for i in range(min(fade, n)):
        seg[i] = (seg[i] * i) // fade if seg[i] >= 0 else -((-seg[i] * i) // fade)
        j = n - 1 - i
        seg[j] = (seg[j] * i) // fade if seg[j] >= 0 else -((-seg[j] * i) // fade)
    # where the synthesis starts (or ends) with sound, add zeros so that
    # every clip has the same 20 ms before and after its sound
    out = array.array("h", [0] * (pad - (first - a)))
    out.extend(seg)
    out.extend([0] * (pad - (b - 1 - last)))
    return out, cut


def ebur128(path):
    """Integrated loudness (LUFS), true peak and sample peak (dBFS)."""
    p = run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", path,
             "-af", "ebur128=peak=true+sample", "-f", "null", "-"])
    err = p.stderr.decode(errors="replace")
    summary = err[err.rfind("Summary:"):]
    def grab(label):
        m = re.search(label + r"\s*:?\s*\n?\s*Peak:\s*(-?[\d.]+|-inf)", summary)
        return float(m.group(1)) if m else float("nan")
    m = re.search(r"I:\s*(-?[\d.]+)\s*LUFS", summary)
    lufs = float(m.group(1)) if m else float("nan")
    return lufs, grab("True peak"), grab("Sample peak")


def pauses(samples, rate, min_ms=100):
    """Internal pauses: runs of >= min_ms where a 10 ms window stays below
    the silence threshold, not counting the edges."""
    t = threshold_amp()
    win = rate // 100
    quiet = []
    for k in range(0, len(samples) - win + 1, win):
        quiet.append(max(abs(x) for x in samples[k:k + win]) <= t)
    runs, cur = [], 0
    for q in quiet:
        if q:
            cur += 1
        else:
            if cur:
                runs.append(cur)
            cur = 0
    # leading run is the pad (< min), trailing run not appended: edges excluded
    return [r * 10 for r in runs if r * 10 >= min_ms]


def syllables(text):
    """Rough Dutch syllable count: vowel groups; a diaeresis starts a new one."""
    t = text.lower().replace("ij", "i")
    return len(re.findall(r"[aeiouyáéíóú]+|[ëïü][aeiouyáéíóú]*", t))


def build_clip(cid, fname, text, outdir, tmp, args):
    raw = os.path.join(tmp, "raw.wav")
    synth(spoken(text), raw, args)
    raw_samples, raw_rate, raw_ch = read_wav(raw)
    if raw_rate != RATE or raw_ch != 1:
        die(f"{cid}: espeak-ng gave {raw_rate} Hz, {raw_ch} channels")
    raw_peak = max(abs(x) for x in raw_samples) if raw_samples else 0
    if raw_peak >= 32767:
        die(f"{cid}: espeak-ng output clips; lower --amplitude")
    out = os.path.join(outdir, fname)
    first, _ = sound_bounds(raw_samples)  # only to reject silent synthesis
    if first is None:
        die(f"{cid}: espeak-ng produced silence")
    raw_lufs, _, _ = ebur128(raw)
    gain = TARGET_LUFS - raw_lufs
    for _ in range(8):
        samples, cut = trim(gain_limit(raw, gain), RATE)
        write_wav(out, samples, RATE)
        lufs, tp, sp = ebur128(out)
        if abs(lufs - TARGET_LUFS) <= LUFS_TOLERANCE_BUILD:
            break
        gain += TARGET_LUFS - lufs
    first, last = sound_bounds(samples)
    n = len(samples)
    dur = n / RATE
    return {
        "id": cid, "file": fname, "text": text,
        "duration": dur,
        "lead": first / RATE,
        "trail": (n - 1 - last) / RATE,
        "lufs": lufs, "true_peak": tp, "sample_peak": sp,
        "raw_duration": len(raw_samples) / RATE,
        "cut_peak_dbfs": 20 * math.log10(cut / 32768) if cut else float("-inf"),
        "gain": gain,
        "pauses": pauses(samples, RATE),
        "puncts": len(re.findall(r"[,.?:;!](?=\s)", text)),
        "syll_rate": syllables(text) / dur,
        "words": len(text.split()),
        "bytes": os.path.getsize(out),
    }


def check(r):
    problems = []
    if r["duration"] > MAX_DURATION:
        problems.append(f"duration {r['duration']:.2f} s > {MAX_DURATION} s")
    if r["lead"] > MAX_EDGE_SILENCE:
        problems.append(f"lead silence {r['lead']*1000:.0f} ms")
    if r["trail"] > MAX_EDGE_SILENCE:
        problems.append(f"trail silence {r['trail']*1000:.0f} ms")
    if not abs(r["lufs"] - TARGET_LUFS) <= LUFS_TOLERANCE:
        problems.append(f"loudness {r['lufs']} LUFS")
    if not (r["true_peak"] <= MAX_PEAK_DBFS and r["sample_peak"] <= MAX_PEAK_DBFS):
        problems.append(f"peak {r['true_peak']} dBTP / {r['sample_peak']} dBFS")
    if not r["cut_peak_dbfs"] <= SILENCE_DBFS:
        problems.append("trim removed sound above the threshold")
    return problems


def fmt_db(x):
    return "−inf" if x == float("-inf") else f"{x:.1f}".replace("-", "−")


def write_measurements(results, path, args):
    durs = [r["duration"] for r in results]
    lufs = [r["lufs"] for r in results]
    lines = [
        "# Measurements of the Dutch voice pack",
        "",
        "Written by `make-voice.sh`; do not edit by hand.",
        "",
        f"espeak-ng {espeak_version()}, voice `{VOICE}`, "
        f"`-s {args.speed} -p {args.pitch} -g {args.gap} -a {args.amplitude}`; "
        f"mono, 16-bit, {RATE} Hz; target {TARGET_LUFS:g} LUFS.",
        "",
        "Silence is measured with a −50 dBFS threshold (|sample| > 104 of 32768).",
        "Loudness and peaks are from ffmpeg's `ebur128=peak=true+sample` filter.",
        "`pauses` lists the internal pauses of 100 ms or more (10 ms windows below",
        "−50 dBFS); `punct` is the number of commas/full stops/question marks",
        "inside the text, where espeak-ng pauses. `cut` is the loudest sample",
        "removed by trimming (must be below −50 dBFS: no speech was cut).",
        "`syl/s` is (estimated) syllables per second over the whole clip.",
        "",
        f"Clips: {len(results)}. Duration {min(durs):.2f}–{max(durs):.2f} s; "
        f"loudness {min(lufs):.1f} to {max(lufs):.1f} LUFS; "
        f"max true peak {fmt_db(max(r['true_peak'] for r in results))} dBTP; "
        f"max sample peak {fmt_db(max(r['sample_peak'] for r in results))} dBFS; "
        f"max lead silence {max(r['lead'] for r in results)*1000:.1f} ms; "
        f"max trail silence {max(r['trail'] for r in results)*1000:.1f} ms; "
        f"total size {sum(r['bytes'] for r in results)/1e6:.2f} MB.",
        "",
        "| id | dur s | lead ms | trail ms | LUFS | sample pk dBFS | true pk dBTP "
        "| cut dBFS | pauses ms | punct | syl/s | words |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| `{r['id']}` | {r['duration']:.2f} | {r['lead']*1000:.1f} | "
            f"{r['trail']*1000:.1f} | {fmt_db(r['lufs'])} | {fmt_db(r['sample_peak'])} | "
            f"{fmt_db(r['true_peak'])} | {fmt_db(r['cut_peak_dbfs'])} | "
            f"{' '.join(str(p) for p in r['pauses']) or '–'} | {r['puncts']} | "
            f"{r['syll_rate']:.1f} | {r['words']} |")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def espeak_version():
    p = run(["espeak-ng", "--version"])
    m = re.search(r"text-to-speech:\s*(\S+)", p.stdout.decode())
    return m.group(1) if m else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--toml", default=os.path.join(HERE, "voice.toml"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--speed", type=int, default=SPEED)
    ap.add_argument("--pitch", type=int, default=PITCH)
    ap.add_argument("--gap", type=int, default=GAP)
    ap.add_argument("--amplitude", type=int, default=AMPLITUDE)
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    for tool in ("espeak-ng", "ffmpeg"):
        if not shutil.which(tool):
            die(f"{tool} not found (apt-get install espeak-ng ffmpeg)")
    outdir = args.out or os.path.dirname(os.path.abspath(args.toml))
    os.makedirs(outdir, exist_ok=True)
    clips = read_clips(args.toml)
    if args.only:
        want = set(args.only.split(","))
        clips = [c for c in clips if c[0] in want]
    results, failed = [], []
    with tempfile.TemporaryDirectory(prefix="rustig-voice-") as tmp:
        for cid, fname, text in clips:
            r = build_clip(cid, fname, text, outdir, tmp, args)
            results.append(r)
            problems = check(r)
            status = "FAIL " + "; ".join(problems) if problems else "ok"
            print(f"{cid:26s} {r['duration']:5.2f} s  {r['lufs']:6.1f} LUFS  "
                  f"tp {r['true_peak']:5.1f}  lead {r['lead']*1000:4.1f} ms  "
                  f"trail {r['trail']*1000:4.1f} ms  {status}", flush=True)
            if problems:
                failed.append((cid, problems))
    if args.only:
        # A partial build would make MEASUREMENTS.md list only some clips; it is
        # written by full builds only.
        print("make-voice: --only: MEASUREMENTS.md left as it was; run without --only to refresh it")
    else:
        write_measurements(results, os.path.join(outdir, "MEASUREMENTS.md"), args)
    if failed:
        for cid, problems in failed:
            print(f"make-voice: {cid}: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"{len(results)} clips ok, written to {outdir}")


if __name__ == "__main__":
    main()
