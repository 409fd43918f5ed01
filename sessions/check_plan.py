#!/usr/bin/env python3
"""Controleert de sessiebestanden onder sessions/ zonder rustig zelf.

    python3 sessions/check_plan.py

- elk .toml-bestand parseert (tomllib, Python 3.11+) en kent alleen sleutels
  uit docs/spec session-format.md (versie 1);
- elke duur is een string in het juiste formaat, nooit een kaal getal;
- elke clip-id (cues en [reminders] clips) bestaat: de kernset of de extra
  clips die het Nederlandse pakket opneemt;
- elke cue ligt binnen zijn blok;
- het programma sessions/opbouw/ volgt de regels: looptijd per training daalt
  nooit, groeit per week hooguit 15 % (zelfde training van vorige week, en
  het weekmaximum), er zijn herhaalweken, de laatste week is 36 minuten aan
  één stuk, elke training begint met een Warming-up van minstens 5 minuten en
  eindigt met Cooling-down (>= 5 min), rekken (3 oefeningen, 2 kanten) en
  1-2 minuten ademhaling met langer uit dan in;
- generate.py geeft precies de bestanden die er staan;
- en drukt de looptijd per training af.

Waarschuwingen (geen fouten) voor eigen cues die vlak na een automatische
clip vallen en dus een paar seconden schuiven.
Stopt met status 1 bij een fout.
"""

import os
import re
import sys
import tomllib

ROOT = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(ROOT, "opbouw")

CORE = (
    [f"blok.{k}" for k in "warmup walk run cooldown strength stretch breathe silence".split()]
    + [f"ronde.{i}" for i in range(1, 21)] + ["ronde.laatste", "aftellen.10", "halverwege", "einde"]
    + [f"techniek.{k}" for k in "houding schouders armen voeten kuiten romp cadans".split()]
    + ["tempo.praten", "tempo.uitademen", "tempo.langzamer"]
    + ["oefening.squats", "oefening.lunges", "oefening.plank", "oefening.rust"]
    + ["rek.kuiten", "rek.hamstrings", "rek.quadriceps", "rek.wissel", "adem.in", "adem.uit"]
)
EXTRA = """techniek.afzetten techniek.kin tempo.zingen tempo.wandelaar tempo.stress welkom
einde.week einde.programma aanmoediging.langzaam aanmoediging.vergeef aanmoediging.levenslang
aanmoediging.normaal aanmoediging.tijd aanmoediging.doseren aanmoediging.moeilijk
aanmoediging.goed lichaam.voeten lichaam.adem lichaam.spanning lichaam.gevoel lichaam.omgeving
uitleg.warmup uitleg.walk uitleg.run uitleg.cooldown uitleg.strength uitleg.stretch
uitleg.breathe uitleg.silence""".split()
CLIPS = set(CORE) | set(EXTRA)
EXERCISES = {"squats", "lunges", "plank"}
STRETCHES = {"kuiten", "hamstrings", "quadriceps"}

TOP = {"title", "description", "voice", "cadence", "auto_cues", "countdown", "presence", "metronome",
       "reminders", "block"}
COUNTDOWNS = ("spoken", "tone", "none")
# De coachpunten van het e-book: elk komt in het programma minstens eens per twee
# weken terug, en vanaf week 5 is er gemiddeld hooguit één per SPARSE_MIN minuten.
POINTS = sorted(c for c in CORE + EXTRA if c.startswith(("techniek.", "tempo.")))
SPARSE_FROM, SPARSE_MIN = 5, 3.5
SILENCE_FROM = 8
METRONOME = {"sound", "volume", "accent_every", "duck_db", "pattern", "settle", "check_every",
             "check_for"}
REMINDERS = {"every", "clips"}
COMMON = {"kind", "name", "cues", "auto_cues", "metronome", "presence"}
KINDS = {
    "walk": {"duration"},
    "run": {"duration", "cadence"},
    "intervals": {"repeat", "run", "walk", "cadence", "walk_last"},
    "strength": {"exercises", "work", "rest"},
    "stretch": {"stretches", "hold", "sides"},
    "breathe": {"duration", "inhale", "exhale", "hold"},
    "silence": {"duration"},
}
REQUIRED = {"walk": {"duration"}, "run": {"duration"}, "intervals": {"repeat", "run", "walk"},
            "strength": {"exercises"}, "stretch": {"stretches"}, "breathe": {"duration"},
            "silence": {"duration"}}
CUE = {"at", "every", "from", "clip", "say"}
DURATION_KEYS = {"duration", "run", "walk", "work", "rest", "hold", "inhale", "exhale", "settle",
                 "check_every", "check_for", "every", "at", "from"}

DUR_RE = re.compile(r"(-?)((?:\d+(?:\.\d+)?(?:h|ms|m|s))+)")
PART_RE = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")

errors, warnings = [], []


def err(path, msg):
    errors.append(f"{os.path.relpath(path, ROOT)}: {msg}")


def dur(path, key, v, negative_ok=False):
    """Duur in seconden, of None na een fout."""
    if not isinstance(v, str):
        err(path, f"`{key}` = {v!r}: een duur moet een string zijn, zoals \"5m\"")
        return None
    m = DUR_RE.fullmatch(v)
    if not m or (m.group(1) and not negative_ok):
        err(path, f"`{key}` = {v!r}: geen geldige duur")
        return None
    total = sum(float(n) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[u]
                for n, u in PART_RE.findall(m.group(2)))
    return -total if m.group(1) else total


def keys(path, table, allowed, where):
    for k in table:
        if k not in allowed:
            err(path, f"onbekende sleutel `{k}` in {where}")


def block_len(path, b):
    k = b.get("kind")
    g = lambda key, default=None: dur(path, key, b[key]) if key in b else default
    if k == "intervals":
        n = b["repeat"]
        run, walk = g("run"), g("walk")
        if None in (run, walk):
            return 0, 0
        walks = n if b.get("walk_last") else n - 1
        return n * run + walks * walk, n * run
    if k == "strength":
        n = len(b["exercises"])
        return n * g("work", 30) + (n - 1) * g("rest", 15), 0
    if k == "stretch":
        return len(b["stretches"]) * b.get("sides", 2) * g("hold", 30), 0
    d = g("duration", 0) or 0
    return d, d if k == "run" else 0


def check_session(path):
    with open(path, "rb") as f:
        try:
            s = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            err(path, f"TOML: {e}")
            return None
    keys(path, s, TOP, "de sessie")
    if not isinstance(s.get("title"), str):
        err(path, "`title` ontbreekt")
    cad = s.get("cadence", 170)
    if not (isinstance(cad, int) and 120 <= cad <= 220):
        err(path, f"cadence {cad!r} buiten 120..=220")
    met = s.get("metronome", {})
    keys(path, met, METRONOME, "[metronome]")
    for k in ("settle", "check_every", "check_for"):
        if k in met:
            dur(path, f"metronome.{k}", met[k])
    if met.get("pattern", "continuous") not in ("continuous", "settle"):
        err(path, f"metronome.pattern {met['pattern']!r}")
    if not 0.0 <= met.get("volume", 0.6) <= 1.0:
        err(path, "metronome.volume buiten 0..1")
    if not -60 <= met.get("duck_db", -12) <= 0:
        err(path, "metronome.duck_db buiten -60..0")
    if s.get("countdown", "spoken") not in COUNTDOWNS:
        err(path, f"countdown {s['countdown']!r}: kies uit {', '.join(COUNTDOWNS)}")
    if met.get("sound", "tik") not in ("tik", "klak", "piep", "tok") and not str(
            met["sound"]).endswith(".wav"):
        err(path, f"metronome.sound {met['sound']!r}")
    rem = s.get("reminders", {})
    keys(path, rem, REMINDERS, "[reminders]")
    if "every" in rem:
        dur(path, "reminders.every", rem["every"])
    for c in rem.get("clips", []):
        if c not in CLIPS:
            err(path, f"onbekende clip {c!r} in [reminders]")
    blocks = s.get("block", [])
    if not blocks:
        err(path, "geen blokken")
    info = []
    t = 0
    for i, b in enumerate(blocks):
        where = f"blok {i + 1}"
        k = b.get("kind")
        if k not in KINDS:
            err(path, f"{where}: onbekend kind {k!r}")
            continue
        keys(path, b, COMMON | KINDS[k], f"{where} ({k})")
        for r in REQUIRED[k] - set(b):
            err(path, f"{where}: `{r}` ontbreekt")
        if REQUIRED[k] - set(b):
            continue
        for key in DURATION_KEYS & set(b):
            dur(path, f"{where}.{key}", b[key])
        if k == "strength" and not set(b["exercises"]) <= EXERCISES:
            err(path, f"{where}: onbekende oefening in {b['exercises']}")
        if k == "stretch":
            if not set(b["stretches"]) <= STRETCHES:
                err(path, f"{where}: onbekende rekoefening in {b['stretches']}")
            if b.get("sides", 2) not in (1, 2):
                err(path, f"{where}: sides moet 1 of 2 zijn")
        if k == "breathe":
            inh = dur(path, "inhale", b.get("inhale", "4s"))
            exh = dur(path, "exhale", b.get("exhale", "6s"))
            if inh is not None and exh is not None and not exh > inh:
                err(path, f"{where}: uitademen moet langer zijn dan inademen")
        if "cadence" in b and not 120 <= b["cadence"] <= 220:
            err(path, f"{where}: cadence buiten 120..=220")
        length, running = block_len(path, b)
        if length <= 0:
            err(path, f"{where}: duur moet groter dan nul zijn")
        for c in b.get("cues", []):
            keys(path, c, CUE, f"{where}: cue")
            if ("clip" in c) == ("say" in c):
                err(path, f"{where}: een cue noemt precies één van `clip` of `say`")
            if "clip" in c and c["clip"] not in CLIPS:
                err(path, f"{where}: onbekende clip {c['clip']!r}")
            if ("at" in c) == ("every" in c):
                err(path, f"{where}: een cue heeft `at` of `every`")
                continue
            if "at" in c:
                a = dur(path, f"{where}.at", c["at"], negative_ok=True)
                if a is None:
                    continue
                pos = a if a >= 0 else length + a
                if not 0 <= pos < length:
                    err(path, f"{where}: cue at = {c['at']!r} ligt buiten het blok "
                              f"({length:g} s)")
            else:
                e = dur(path, f"{where}.every", c["every"])
                first = dur(path, f"{where}.from", c["from"]) if "from" in c else e
                if e is not None and first is not None and not first < length:
                    err(path, f"{where}: eerste herhaling van de cue valt buiten het blok")
        info.append(dict(block=b, start=t, length=length, running=running))
        t += length
    if t > 4 * 3600:
        err(path, "sessie langer dan 4 uur")
    return dict(data=s, blocks=info, total=t, running=sum(x["running"] for x in info))


def run_segments(path, sess):
    """(begin, einde) van elk stuk hardlopen (run-blokken en de runs van intervals)."""
    segs = []
    for x in sess["blocks"]:
        b, t0 = x["block"], x["start"]
        if b["kind"] == "intervals":
            r, w = dur(path, "run", b["run"]), dur(path, "walk", b["walk"])
            segs += [(t0 + k * (r + w), t0 + k * (r + w) + r) for k in range(b["repeat"])]
        elif b["kind"] == "run":
            segs.append((t0, t0 + x["length"]))
    return segs


def reminder_times(path, data, segs):
    """Wanneer rustig de reminders zegt: elke `every` looptijd."""
    every = dur(path, "every", data.get("reminders", {}).get("every", "2m"))
    total = sum(e - s for s, e in segs)
    out, k = [], 1
    while k * every < total:
        target, cum = k * every, 0
        for s0, e in segs:
            if cum <= target < cum + e - s0:
                out.append(s0 + target - cum)
                break
            cum += e - s0
        k += 1
    return out


def coaching(path, sess):
    """De coachpunten die de training zegt, in volgorde van [reminders] clips
    (rondgaand) en de eigen cues; reminders alleen als auto_cues aan staat."""
    data = sess["data"]
    said = []
    if data.get("auto_cues", True):
        n = len(reminder_times(path, data, run_segments(path, sess)))
        clips = data.get("reminders", {}).get("clips") or POINTS
        said += [clips[k % len(clips)] for k in range(n)]
    for x in sess["blocks"]:
        said += [c["clip"] for c in x["block"].get("cues", []) if c.get("clip") in POINTS]
    return said


def check_coaching(rows):
    """Elk coachpunt minstens eens per twee weken; vanaf week SPARSE_FROM spaarzaam;
    vanaf week SILENCE_FROM elke week een vriendelijk aangekondigde stilte."""
    weeks = sorted({r["week"] for r in rows})
    heard = {w: set() for w in weeks}
    count = {p: 0 for p in POINTS}
    sparse_cues, sparse_min = 0, 0.0
    for r in rows:
        heard[r["week"]].update(r["coaching"])
        for c in r["coaching"]:
            count[c] += 1
        if r["week"] >= SPARSE_FROM:
            sparse_cues += len(r["coaching"])
            sparse_min += r["run"]
    for p in POINTS:
        for a, b in zip(weeks, weeks[1:]):
            if p not in heard[a] | heard[b]:
                err(PROGRAM, f"coachpunt {p} komt in week {a} en {b} niet voor")
    per = sparse_min / max(sparse_cues, 1)
    if per < SPARSE_MIN:
        err(PROGRAM, f"vanaf week {SPARSE_FROM} één coachpunt per {per:.1f} min hardlopen; "
                     f"minstens {SPARSE_MIN} min ertussen")
    for w in weeks:
        quiet = [r for r in rows if r["week"] == w and r["silence"]]
        if w >= SILENCE_FROM and not quiet:
            err(PROGRAM, f"week {w}: geen training met een stil stuk (silence-blok)")
    return count, per


def check_silence(path, sess):
    """Een silence-blok volgt op hardlopen dat het een minuut of zo van tevoren
    aankondigt (uitleg.silence), en zegt zelf niets dan zijn aankondiging."""
    bl = sess["blocks"]
    found = 0
    for i, x in enumerate(bl):
        if x["block"]["kind"] != "silence":
            continue
        found += x["length"]
        if x["block"].get("cues"):
            err(path, "een silence-blok heeft geen eigen cues: het is stil")
        before = bl[i - 1]["block"] if i else {}
        if before.get("kind") != "run":
            err(path, "een silence-blok volgt in het programma op een run-blok")
        said = [dur(path, "at", c["at"], negative_ok=True) for c in before.get("cues", [])
                if c.get("clip") == "uitleg.silence" and "at" in c]
        if not any(-120 <= a < 0 for a in said):
            err(path, "de stilte wordt niet aangekondigd: uitleg.silence in de laatste "
                      "2 minuten van het run-blok ervoor")
    return found


def own_cue_warnings(path, sess):
    """Benadering van de automatische clips; waarschuwt als een eigen cue
    binnen 6 s na een automatische valt (hij schuift dan wat op)."""
    data = sess["data"]
    if not data.get("auto_cues", True):
        return
    auto, segs, own = [], [], []
    for x in sess["blocks"]:
        b, t0 = x["block"], x["start"]
        quiet = not b.get("auto_cues", True)
        if b["kind"] == "intervals":
            r, w = dur(path, "run", b["run"]), dur(path, "walk", b["walk"])
            for k in range(b["repeat"]):
                s0 = t0 + k * (r + w)
                segs.append((s0, s0 + r))
                if not quiet:
                    auto += [s0, s0 + r - 10, s0 + r]
                    if k < b["repeat"] - 1 and w >= 60:
                        auto.append(s0 + r + w - 10)
        else:
            if not quiet:
                auto.append(t0)
            if not quiet and b["kind"] in ("run", "walk") and x["length"] >= 60:
                auto.append(t0 + x["length"] - 10)
            if b["kind"] == "run":
                segs.append((t0, t0 + x["length"]))
        for c in b.get("cues", []):
            if "at" in c:
                a = dur(path, "at", c["at"], negative_ok=True)
                own.append((t0 + (a if a >= 0 else x["length"] + a), c.get("clip")))
    auto += reminder_times(path, data, segs)
    auto.append(sess["total"] / 2)
    for t, clip in own:
        near = [a for a in auto if 0 < t - a < 6 or a == t and clip != "welkom"]
        if near:
            warnings.append(f"{os.path.relpath(path, ROOT)}: cue {clip} op {t:g} s valt vlak "
                            f"na een automatische clip op {near[0]:g} s")


def check_program():
    with open(os.path.join(PROGRAM, "program.toml"), "rb") as f:
        prog = tomllib.load(f)
    p = prog.get("program", {})
    if set(prog) != {"program"}:
        err(PROGRAM, f"program.toml: onbekende tabellen {set(prog) - {'program'}}")
    keys(PROGRAM, p, {"title", "description", "sessions"}, "[program]")
    if p.get("title") != "Van 12 naar 36 minuten":
        err(PROGRAM, "program.title klopt niet")
    names = p.get("sessions", [])
    expect = [f"week{w:02d}-{s}.toml" for w in range(1, 15) for s in (1, 2, 3)]
    if names != expect:
        err(PROGRAM, "program.sessions is niet week01-1 … week14-3 op volgorde")
    rows = []
    for name in names:
        path = os.path.join(PROGRAM, name)
        sess = check_session(path)
        if sess is None:
            continue
        own_cue_warnings(path, sess)
        w, s = int(name[4:6]), int(name[7])
        d, bl = sess["data"], sess["blocks"]
        if d.get("title") != f"Week {w} · training {s}":
            err(path, f"title {d.get('title')!r}")
        if not d.get("description"):
            err(path, "description ontbreekt")
        for x in bl:
            for c in x["block"].get("cues", []):
                if "say" in c:
                    err(path, "het programma gebruikt alleen clip-cues, geen say")
        kinds = [x["block"]["kind"] for x in bl]
        first, cd, st, br = bl[0], bl[-3], bl[-2], bl[-1]
        if (first["block"]["kind"], first["block"].get("name")) != ("walk", "Warming-up") \
                or first["length"] < 300:
            err(path, "begint niet met een Warming-up van >= 5m")
        if not any(c.get("clip") == "welkom" for c in first["block"].get("cues", [])):
            err(path, "geen welkom in het eerste blok")
        if (cd["block"]["kind"], cd["block"].get("name")) != ("walk", "Cooling-down") \
                or cd["length"] < 300:
            err(path, "geen Cooling-down van >= 5m voor het rekken")
        if st["block"]["kind"] != "stretch" or st["block"].get("sides", 2) != 2 or \
                sorted(st["block"]["stretches"]) != sorted(STRETCHES):
            err(path, "geen rekblok met kuiten, hamstrings, quadriceps, 2 kanten")
        if br["block"]["kind"] != "breathe" or not 60 <= br["length"] <= 120:
            err(path, "geen ademhalingsblok van 1m tot 2m aan het eind")
        if "strength" in kinds and kinds.index("strength") != 1:
            err(path, "krachtblok niet direct na de warming-up")
        cd_clips = [c.get("clip") for c in cd["block"].get("cues", [])]
        last = name == names[-1]
        if s == 3 and not last and "einde.week" not in cd_clips:
            err(path, "einde.week ontbreekt in de cooling-down")
        if last and "einde.programma" not in cd_clips:
            err(path, "einde.programma ontbreekt")
        rem = d.get("reminders", {}).get("every", "2m")
        if not 120 <= dur(path, "every", rem) <= 240:
            err(path, f"reminders.every {rem} niet tussen 2m en 4m")
        runs = [x for x in bl if x["block"]["kind"] in ("run", "intervals")]
        longest = max(
            (dur(path, "run", x["block"]["run"]) if x["block"]["kind"] == "intervals"
             else x["length"]) for x in runs)
        silent = check_silence(path, sess)
        rows.append(dict(name=name, week=w, s=s, run=(sess["running"] + silent) / 60,
                         silence=silent / 60, coaching=coaching(path, sess),
                         longest=longest / 60, cadence=d.get("cadence", 170),
                         total=sess["total"] / 60,
                         settle=d.get("metronome", {}).get("pattern") == "settle",
                         strength="strength" in kinds, runs=runs))
    return rows


def check_rules(rows):
    path = PROGRAM
    by = {(r["week"], r["s"]): r for r in rows}
    weeks = sorted({r["week"] for r in rows})
    if rows[0]["run"] != 12:
        err(path, f"week 1 begint met {rows[0]['run']:g} min hardlopen, niet 12")
    for a, b in zip(rows, rows[1:]):
        if b["run"] < a["run"]:
            err(path, f"looptijd daalt: {a['name']} {a['run']:g} -> {b['name']} {b['run']:g}")
        if b["cadence"] < a["cadence"]:
            err(path, f"cadans daalt bij {b['name']}")
        if not 170 <= b["cadence"] <= 180:
            err(path, f"cadans {b['cadence']} buiten 170..180 in {b['name']}")
    repeats = 0
    for w in weeks[1:]:
        for s in (1, 2, 3):
            a, b = by[(w - 1, s)], by[(w, s)]
            if b["run"] > a["run"] * 1.15 + 1e-9:
                err(path, f"week {w} training {s}: {a['run']:g} -> {b['run']:g} min is meer "
                          "dan 15 % groei")
        ma = max(by[(w - 1, s)]["run"] for s in (1, 2, 3))
        mb = max(by[(w, s)]["run"] for s in (1, 2, 3))
        if mb > ma * 1.15 + 1e-9:
            err(path, f"weekmaximum {ma:g} -> {mb:g} in week {w} is meer dan 15 %")
        if all(by[(w, s)]["run"] == by[(w - 1, s)]["run"] for s in (1, 2, 3)):
            repeats += 1
    if repeats == 0:
        err(path, "geen herhaalweek")
    last = rows[-1]
    lr = last["runs"]
    if not (len(lr) == 1 and lr[0]["block"]["kind"] == "run" and lr[0]["length"] == 36 * 60):
        err(path, "de laatste training is niet 36 minuten aan één stuk")
    return repeats


def check_generated():
    sys.dont_write_bytecode = True
    sys.path.insert(0, PROGRAM)
    import generate  # noqa: E402
    for name, text in generate.build().items():
        with open(os.path.join(PROGRAM, name), encoding="utf-8") as f:
            if f.read() != text:
                err(os.path.join(PROGRAM, name), "wijkt af van generate.py (opnieuw genereren)")


def main():
    rows = check_program()
    repeats = check_rules(rows) if rows else 0
    count, per = check_coaching(rows) if rows else ({}, 0.0)
    check_generated()
    others = []
    for dirpath, _, files in os.walk(ROOT):
        if os.path.abspath(dirpath) == PROGRAM:
            continue
        for f in sorted(files):
            if f.endswith(".toml"):
                path = os.path.join(dirpath, f)
                sess = check_session(path)
                if sess:
                    own_cue_warnings(path, sess)
                    others.append((os.path.relpath(path, ROOT), sess))

    print(f"{'training':<16}{'hardlopen':>10}{'groei':>8}{'langste':>9}{'cadans':>8}"
          f"{'totaal':>8}  extra")
    prev = {}
    for r in rows:
        p = prev.get(r["s"])
        growth = f"{(r['run'] / p - 1) * 100:+.0f}%" if p else ""
        extra = " ".join(x for x, on in (("kracht", r["strength"]), ("settle", r["settle"]),
                                         (f"stil {r['silence']:g}m", r["silence"])) if on)
        print(f"{r['name'][:-5]:<16}{r['run']:>9g}m{growth:>8}{r['longest']:>8g}m"
              f"{r['cadence']:>8}{r['total']:>7.0f}m  {extra}")
        prev[r["s"]] = r["run"]
    print(f"herhaalweken: {repeats}")
    print(f"coachpunten (reminders en cues), vanaf week {SPARSE_FROM} één per {per:.1f} min "
          "hardlopen:")
    print("  " + ", ".join(f"{p} {n}" for p, n in sorted(count.items())))
    for name, sess in others:
        print(f"{name}: {sess['total'] / 60:.1f} min, waarvan {sess['running'] / 60:g} min hardlopen")
    for w in warnings:
        print("waarschuwing:", w)
    for e in errors:
        print("FOUT:", e)
    print("in orde" if not errors else f"{len(errors)} fout(en)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
