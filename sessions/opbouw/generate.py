#!/usr/bin/env python3
"""Schrijft het opbouwprogramma "Van 12 naar 36 minuten" (sessions/opbouw/).

Het schema staat in WEEKS hieronder; pas het daar aan en draai
    python3 sessions/opbouw/generate.py
om program.toml en alle weekNN-M.toml opnieuw te schrijven. De uitvoer is
deterministisch: dezelfde invoer geeft byte voor byte dezelfde bestanden.
Alleen de standaardbibliotheek; `check_plan.py` (een map hoger) controleert het
resultaat.

Opbouw van elke training:
  Warming-up (6 min stevig wandelen; "ruim 5 minuten" volgens het e-book)
  [Spierversterkende oefeningen, in training 2 vanaf week 2, met mate]
  het hardloopdeel (intervals, of losse run- en wandelblokken)
  Cooling-down (5 min uitwandelen)
  Rekken (kuiten, hamstrings, quadriceps, beide kanten)
  Ademhaling (2 min, langer uit dan in)
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

WARMUP = 360        # s
COOLDOWN = 300      # s
BREATHE = 120       # s
WORK, REST = 30, 15  # s, krachtoefeningen
STRETCHES = ["kuiten", "hamstrings", "quadriceps"]


# ---------------------------------------------------------------------------
# Het schema
#
# Hardloopdeel per training, in seconden:
#   ("iv", herhalingen, hardlopen, wandelen)   een intervals-blok
#   ("seq", [hardlopen, wandelen, hardlopen])  losse blokken
#   ("cont", hardlopen)                         één doorlopend blok
#
# Regels (check_plan.py test ze): de looptijd per training daalt nooit; per
# week groeit ze hooguit 15 %; herhaalweken laten het landen; week 14 is
# 36 minuten aan één stuk.
# ---------------------------------------------------------------------------

def iv(n, run, walk):
    return ("iv", n, run, walk)


def seq(*parts):
    return ("seq", [p * 60 for p in parts])


def cont(minutes):
    return ("cont", minutes * 60)


M = 60

WEEKS = [
    # 1
    dict(runs=[iv(12, M, M)] * 3, cadence=170, every="2m",
         new=None),
    # 2
    dict(runs=[iv(9, 90, M)] * 3, cadence=170, every="2m",
         new=True),
    # 3
    dict(runs=[iv(7, 2 * M, M)] * 3, cadence=170, every="2m",
         new=True),
    # 4
    dict(runs=[iv(5, 3 * M, 90)] * 3, cadence=170, every="2m",
         new=True),
    # 5
    dict(runs=[iv(4, 4 * M, 90)] * 3, cadence=170, every="3m",
         new=True),
    # 6: herhaling van week 5, alleen de cadans gaat omhoog
    dict(runs=[iv(4, 4 * M, 90)] * 3, cadence=175, every="3m", repeat=True),
    # 7
    dict(runs=[iv(3, 6 * M, 2 * M)] * 3, cadence=175, every="3m",
         new=True),
    # 8
    dict(runs=[iv(2, 10 * M, 2 * M), seq(10, 2, 10), iv(2, 10 * M, 2 * M)], cadence=175,
         every="3m", new=True),
    # 9: herhaling van week 8, alleen de cadans gaat omhoog
    dict(runs=[iv(2, 10 * M, 2 * M), seq(10, 2, 10), iv(2, 10 * M, 2 * M)], cadence=180,
         every="3m", repeat=True),
    # 10
    dict(runs=[seq(12, 2, 10)] * 3, cadence=180, every="4m",
         new=True),
    # 11
    dict(runs=[seq(15, 2, 10)] * 3, cadence=180, every="4m",
         new=True),
    # 12
    dict(runs=[seq(18, 2, 10), seq(18, 2, 10), seq(20, 2, 8)], cadence=180, every="4m",
         new=True, new3=True),
    # 13
    dict(runs=[seq(22, 2, 10), seq(26, 2, 6), cont(32)], cadence=180, every="4m",
         new=True, new2=True, new3="Voor het eerst zonder wandelpauze."),
    # 14
    dict(runs=[cont(36)] * 3, cadence=180, every="4m",
         new="Je doel is bereikt, rustig en ontspannen."),
]

# Alle coachpunten van het e-book (techniek.* en tempo.*), als één doorlopende
# rotatie over het hele programma: elke training krijgt als [reminders] clips
# precies de volgende punten, zoveel als er reminders in passen. Zo komt elk
# punt minstens eens per twee weken terug (check_plan.py controleert het). De
# cadans staat vooraan: de tikken beginnen in week 1 en zo weet je waarom.
ROTATION = [
    "tempo.praten", "techniek.cadans", "techniek.schouders", "tempo.uitademen",
    "techniek.houding", "tempo.langzamer", "techniek.kuiten", "tempo.stress",
    "techniek.voeten", "tempo.zingen", "techniek.armen", "techniek.romp",
    "tempo.wandelaar", "techniek.afzetten", "techniek.kin",
]

# Vanaf de tweede helft (week 8) loopt training 2 het laatste stuk zonder tik
# en zonder stem (een silence-blok), om naar je lichaam te leren luisteren:
# week -> minuten stilte aan het eind van het laatste hardloopblok.
SILENCE = {8: 3, 9: 3, 10: 4, 11: 4, 12: 5, 13: 4, 14: 5}
SILENCE_SESSION = 2

# Per training één aandachtspunt (lichaam/tempo) rond een derde van het
# hardlopen en één aanmoediging tegen het eind: (training 1, 2, 3) per week.
BODY_CUES = [
    ("tempo.wandelaar", "lichaam.adem", "tempo.zingen"),
    ("lichaam.voeten", "tempo.stress", "lichaam.omgeving"),
    ("lichaam.spanning", "lichaam.adem", "lichaam.gevoel"),
    ("tempo.wandelaar", "lichaam.voeten", "lichaam.omgeving"),
    ("lichaam.spanning", "tempo.zingen", "lichaam.gevoel"),
    ("lichaam.adem", "lichaam.omgeving", "lichaam.voeten"),
    ("tempo.stress", "lichaam.spanning", "lichaam.omgeving"),
    ("lichaam.gevoel", "lichaam.adem", "lichaam.omgeving"),
    ("lichaam.voeten", "lichaam.omgeving", "lichaam.spanning"),
    ("tempo.wandelaar", "lichaam.adem", "lichaam.omgeving"),
    ("lichaam.gevoel", "tempo.stress", "lichaam.omgeving"),
    ("lichaam.spanning", "lichaam.voeten", "lichaam.omgeving"),
    ("lichaam.adem", "lichaam.omgeving", "lichaam.gevoel"),
    ("lichaam.omgeving", "lichaam.voeten", "lichaam.gevoel"),
]
ENCOURAGEMENT = [
    ("aanmoediging.langzaam", "aanmoediging.tijd", "aanmoediging.goed"),
    ("aanmoediging.langzaam", "aanmoediging.normaal", "aanmoediging.goed"),
    ("aanmoediging.doseren", "aanmoediging.vergeef", "aanmoediging.goed"),
    ("aanmoediging.moeilijk", "aanmoediging.tijd", "aanmoediging.goed"),
    ("aanmoediging.doseren", "aanmoediging.normaal", "aanmoediging.goed"),
    ("aanmoediging.vergeef", "aanmoediging.tijd", "aanmoediging.goed"),
    ("aanmoediging.moeilijk", "aanmoediging.doseren", "aanmoediging.goed"),
    ("aanmoediging.langzaam", "aanmoediging.normaal", "aanmoediging.goed"),
    ("aanmoediging.vergeef", "aanmoediging.tijd", "aanmoediging.goed"),
    ("aanmoediging.moeilijk", "aanmoediging.doseren", "aanmoediging.goed"),
    ("aanmoediging.langzaam", "aanmoediging.normaal", "aanmoediging.goed"),
    ("aanmoediging.vergeef", "aanmoediging.doseren", "aanmoediging.goed"),
    ("aanmoediging.moeilijk", "aanmoediging.tijd", "aanmoediging.goed"),
    ("aanmoediging.goed", "aanmoediging.tijd", "aanmoediging.levenslang"),
]

# Uitleg bij de eerste kennismaking: (week, training) -> blok -> [(at, clip)]
EXTRA_CUES = {
    (1, 1): {"warmup": [("1m", "uitleg.warmup"), ("-1m30s", "uitleg.run")],
             "cooldown": [("30s", "uitleg.cooldown"), ("2m30s", "uitleg.stretch")]},
    (1, 2): {"warmup": [("1m", "uitleg.walk")],
             "cooldown": [("2m", "uitleg.breathe")]},
    (2, 2): {"warmup": [("-1m30s", "uitleg.strength")]},
}


def strength_for(week, session):
    """Krachtoefeningen: training 2 van elke week vanaf week 2, met mate."""
    if session != 2 or week < 2:
        return None
    if week == 2:
        return ["squats"]
    if week == 3:
        return ["squats", "plank"]
    return ["squats", "lunges", "plank"]


def settle_for(week, session):
    """Metronoom alleen bij het begin en af en toe: vanaf week 5."""
    if week >= 13:
        return True
    if week >= 9:
        return session >= 2
    if week >= 5:
        return session == 3
    return False


def silence_for(week, session):
    """Minuten stilte aan het eind van het hardlopen, of 0."""
    return SILENCE.get(week, 0) if session == SILENCE_SESSION else 0


def rotation(start, n):
    """De n punten van ROTATION vanaf positie start (rondgaand)."""
    assert n <= len(ROTATION), n
    return [ROTATION[(start + k) % len(ROTATION)] for k in range(n)]


# ---------------------------------------------------------------------------
# Tekst
# ---------------------------------------------------------------------------

NUM = {1: "een", 2: "twee", 3: "drie", 4: "vier", 5: "vijf", 6: "zes", 7: "zeven",
       8: "acht", 9: "negen", 10: "tien", 11: "elf", 12: "twaalf", 15: "vijftien",
       18: "achttien", 20: "twintig", 22: "tweeëntwintig", 26: "zesentwintig",
       32: "tweeëndertig", 36: "zesendertig"}


def words(sec):
    if sec == 60:
        return "een minuut"
    if sec == 90:
        return "anderhalve minuut"
    assert sec % 60 == 0, sec
    return f"{NUM[sec // 60]} minuten"


def core_text(runs):
    kind = runs[0]
    if kind == "iv":
        _, n, run, walk = runs
        return (f"{NUM[n].capitalize()} keer {words(run)} ontspannen hardlopen, "
                f"met steeds {words(walk)} wandelen ertussen.")
    if kind == "seq":
        a, w, b = runs[1]
        return (f"{words(a).capitalize()} ontspannen hardlopen, {words(w)} wandelen, "
                f"dan nog {words(b)}.")
    return f"{words(runs[1]).capitalize()} aan één stuk ontspannen hardlopen."


def describe(week, s, spec, prev_cadence, first_settle):
    parts = []
    new = spec.get("new") if s == 1 else spec.get(f"new{s}")
    if week == 1 and s == 1:
        parts.append("Je eerste training. Zo rustig dat je nog kunt praten, maar niet meer kunt zingen.")
    if spec.get("repeat") and s == 1:
        parts.append("Deze week herhaal je vorige week, om het te laten landen.")
        if spec["cadence"] != prev_cadence:
            parts.append(f"Alleen de metronoom tikt iets sneller: {spec['cadence']} passen "
                         "per minuut, met kleinere, lichtere pasjes.")
    core = core_text(spec["runs"][s - 1])
    if new and not spec.get("repeat"):
        # wat nieuw is, is het hardloopdeel zelf; een tekst erbij mag
        parts.append("Nieuw: " + core[0].lower() + core[1:])
        if isinstance(new, str):
            parts.append(new)
    else:
        parts.append(core)
    ex = strength_for(week, s)
    if ex:
        prev_ex = strength_for(week - 1, s) or []
        added = [e for e in ex if e not in prev_ex]
        names = {"squats": "kniebuigingen", "lunges": "uitvalspassen", "plank": "de plank"}
        if added:
            parts.append("Nieuw na de warming-up: " + " en ".join(names[e] for e in added)
                         + ", met mate.")
        else:
            parts.append("Na de warming-up: kniebuigingen, uitvalspassen en de plank, met mate.")
    if first_settle:
        parts.append("Nieuw: de metronoom tikt alleen aan het begin van elk hardloopblok "
                     "en af en toe even; daartussen loop je op gevoel, met aandacht voor "
                     "je lichaam en je omgeving.")
    quiet = silence_for(week, s)
    if quiet:
        first = week == min(SILENCE)
        parts.append(("Nieuw: de " if first else "De ") + f"laatste {words(quiet * 60)} hardlopen"
                     " zijn stil, zonder tik en zonder stem. Luister dan naar je lichaam: hoe"
                     " voelen je adem, je voeten en je schouders?")
    if week == 14 and s == 3:
        parts.append("De laatste training van het programma. Neem je voor om te blijven "
                     "ontspannen hardlopen.")
    elif s == 3 and not first_settle and not new:
        parts.append("De laatste training van deze week.")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Tijd
# ---------------------------------------------------------------------------

def dur(sec):
    """Seconden als duurstring: 90 -> "1m30s", -60 -> "-1m"."""
    sign = "-" if sec < 0 else ""
    sec = abs(int(sec))
    m, s = divmod(sec, 60)
    if m and s:
        return f"{sign}{m}m{s}s"
    if m:
        return f"{sign}{m}m"
    return f"{sign}{s}s"


def parse(d):
    neg = d.startswith("-")
    d = d.lstrip("-")
    total, num = 0.0, ""
    i = 0
    while i < len(d):
        c = d[i]
        if c.isdigit() or c == ".":
            num += c
            i += 1
            continue
        if d.startswith("ms", i):
            total += float(num) / 1000
            i += 2
        else:
            total += float(num) * {"h": 3600, "m": 60, "s": 1}[c]
            i += 1
        num = ""
    return -total if neg else total


# ---------------------------------------------------------------------------
# Een training opbouwen
# ---------------------------------------------------------------------------

def run_segments(blocks):
    """Absolute (start, einde, blok-index) van elke run, ook binnen intervals."""
    segs, t = [], 0
    for i, b in enumerate(blocks):
        if b["kind"] == "intervals":
            n, r, w = b["repeat"], b["run"], b["walk"]
            for k in range(n):
                s = t + k * (r + w)
                segs.append((s, s + r, i))
            t += n * r + (n - 1) * w
        else:
            if b["kind"] == "run":
                segs.append((t, t + b["duration"], i))
            t += block_len(b)
    return segs


def block_len(b):
    k = b["kind"]
    if k == "intervals":
        return b["repeat"] * b["run"] + (b["repeat"] - 1) * b["walk"]
    if k == "strength":
        n = len(b["exercises"])
        return n * b["work"] + (n - 1) * b["rest"]
    if k == "stretch":
        return len(b["stretches"]) * b["sides"] * b["hold"]
    return b["duration"]


def block_starts(blocks):
    out, t = [], 0
    for b in blocks:
        out.append(t)
        t += block_len(b)
    return out, t


def reminder_times(segs, every):
    total = sum(e - s for s, e, _ in segs)
    out, k = [], 1
    while k * every < total:
        target, cum = k * every, 0
        for s, e, _ in segs:
            if cum <= target < cum + (e - s):
                out.append(s + target - cum)
                break
            cum += e - s
        k += 1
    return out


def place_cue(segs, target_frac, avoid):
    """Een tijdstip in een run, zo dicht mogelijk bij target_frac van de
    looptijd, weg van de aankondiging (begin), het aftellen (eind), de
    reminders, halverwege en eerdere cues."""
    total = sum(e - s for s, e, _ in segs)
    target = target_frac * total
    best, cum = None, 0
    for s, e, i in segs:
        off = 30  # op een raster van 15 s, dan leest het bestand rustig
        while off <= (e - s) - 25:
            t = s + off
            if all(abs(t - a) >= 20 for a in avoid):
                score = abs(cum + off - target)
                if best is None or score < best[0]:
                    best = (score, t, i)
            off += 15
        cum += e - s
    assert best, "geen plek voor een cue"
    return best[1], best[2]


def build_session(week, s, spec, prev_cadence, first_settle, turn):
    """De training, en hoeveel reminders (punten van ROTATION) ze gebruikt."""
    runs = spec["runs"][s - 1]
    blocks = [dict(kind="walk", name="Warming-up", duration=WARMUP, cues=[("0s", "welkom")])]
    ex = strength_for(week, s)
    if ex:
        blocks.append(dict(kind="strength", name="Spierversterkende oefeningen",
                           exercises=ex, work=WORK, rest=REST, cues=[]))
    if runs[0] == "iv":
        _, n, r, w = runs
        blocks.append(dict(kind="intervals", name="Hardlopen en wandelen",
                           repeat=n, run=r, walk=w, cues=[]))
    elif runs[0] == "seq":
        a, w, b = runs[1]
        blocks.append(dict(kind="run", name="Ontspannen hardlopen", duration=a, cues=[]))
        blocks.append(dict(kind="walk", name="Wandelen", duration=w, cues=[]))
        blocks.append(dict(kind="run", name="Ontspannen hardlopen", duration=b, cues=[]))
    else:
        blocks.append(dict(kind="run", name="Ontspannen hardlopen", duration=runs[1], cues=[]))
    quiet = silence_for(week, s) * 60
    if quiet:
        last = blocks[-1]
        assert last["kind"] == "run" and last["duration"] - quiet >= 120, (week, s)
        last["duration"] -= quiet
        blocks.append(dict(kind="silence", name="Stil hardlopen", duration=quiet, cues=[]))
    blocks.append(dict(kind="walk", name="Cooling-down", duration=COOLDOWN, cues=[]))
    blocks.append(dict(kind="stretch", name="Rekken", stretches=STRETCHES, hold=30, sides=2,
                       cues=[]))
    blocks.append(dict(kind="breathe", name="Ademhaling", duration=BREATHE, inhale=4,
                       exhale=6, cues=[]))

    extra = EXTRA_CUES.get((week, s), {})
    blocks[0]["cues"] += extra.get("warmup", [])
    cd = blocks[-3]
    cd["cues"] += extra.get("cooldown", [])
    if week == len(WEEKS) and s == 3:
        cd["cues"].append(("-1m", "einde.programma"))
    elif s == 3:
        cd["cues"].append(("-1m", "einde.week"))

    starts, total = block_starts(blocks)
    segs = run_segments(blocks)
    every = parse(spec["every"])
    reminders = reminder_times(segs, every)
    avoid = reminders + [total / 2]
    if quiet:
        # De stilte vriendelijk aankondigen, een minuut (of iets meer) voor ze begint,
        # weg van reminders en halverwege; het blok zelf zegt dan blok.silence.
        i = len(blocks) - 5
        end = starts[i] + block_len(blocks[i])
        at = next(a for a in (60, 75, 90, 105) if all(abs(end - a - x) >= 12 for x in avoid))
        blocks[i]["cues"].append((dur(-at), "uitleg.silence"))
        avoid.append(end - at)
    for frac, clip in ((0.35, BODY_CUES[week - 1][s - 1]),
                       (0.8, ENCOURAGEMENT[week - 1][s - 1])):
        t, i = place_cue(segs, frac, avoid)
        avoid.append(t)
        blocks[i]["cues"].append((dur(t - starts[i]), clip))
    for b in blocks:  # cues per blok op tijd, negatieve (vanaf het eind) achteraan
        b["cues"].sort(key=lambda c: parse(c[0]) if not c[0].startswith("-")
                       else block_len(b) + parse(c[0]))

    session = dict(
        title=f"Week {week} · training {s}",
        description=describe(week, s, spec, prev_cadence, first_settle),
        cadence=spec["cadence"],
        settle=settle_for(week, s),
        every=spec["every"],
        clips=rotation(turn, len(reminders)),
        blocks=blocks,
    )
    return session, len(reminders)


# ---------------------------------------------------------------------------
# TOML schrijven
# ---------------------------------------------------------------------------

def q(v):
    return json.dumps(v, ensure_ascii=False)


def qlist(vs):
    return "[" + ", ".join(q(v) for v in vs) + "]"


def to_toml(sess):
    L = ["# Gegenereerd door generate.py: pas het schema daar aan, niet hier.", ""]
    L.append(f"title = {q(sess['title'])}")
    L.append(f"description = {q(sess['description'])}")
    L.append(f"cadence = {sess['cadence']}")
    # Alleen voor en na het hardloopdeel telt de stem af; tussen hardlopen en
    # wandelen zeggen drie tikken genoeg.
    L.append('countdown = "tone"')
    # Een teken van leven: na een minuut zonder geluid een heel zachte tok, zodat je
    # weet dat rustig nog speelt (in de warming-up en de wandelstukken). De stille
    # stukken hardlopen (settle-patroon, silence-blokken) blijven stil.
    L.append('presence = "60s"')
    # tok: een zachte, lage tik onder de spraakformanten, die de stem minder maskeert.
    L += ["", "[metronome]", 'sound = "tok"']
    if sess["settle"]:
        L += ['pattern = "settle"', "volume = 0.5", 'settle = "45s"',
              'check_every = "3m"', 'check_for = "15s"']
    L += ["", "[reminders]", f"every = {q(sess['every'])}", f"clips = {qlist(sess['clips'])}"]
    for b in sess["blocks"]:
        L += ["", "[[block]]", f"kind = {q(b['kind'])}", f"name = {q(b['name'])}"]
        k = b["kind"]
        if k in ("walk", "run", "breathe", "silence"):
            L.append(f"duration = {q(dur(b['duration']))}")
        if k == "run" and sess["settle"]:
            L.append("presence = false")
        if k == "intervals":
            L += [f"repeat = {b['repeat']}", f"run = {q(dur(b['run']))}",
                  f"walk = {q(dur(b['walk']))}"]
        if k == "strength":
            L += [f"exercises = {qlist(b['exercises'])}", f"work = {q(dur(b['work']))}",
                  f"rest = {q(dur(b['rest']))}"]
        if k == "stretch":
            L += [f"stretches = {qlist(b['stretches'])}", f"hold = {q(dur(b['hold']))}",
                  f"sides = {b['sides']}"]
        if k == "breathe":
            L += [f"inhale = {q(dur(b['inhale']))}", f"exhale = {q(dur(b['exhale']))}"]
        if b["cues"]:
            if len(b["cues"]) == 1:
                at, clip = b["cues"][0]
                L.append(f"cues = [{{ at = {q(at)}, clip = {q(clip)} }}]")
            else:
                L.append("cues = [")
                for at, clip in b["cues"]:
                    L.append(f"  {{ at = {q(at)}, clip = {q(clip)} }},")
                L.append("]")
    return "\n".join(L) + "\n"


def build():
    """Alle bestanden: {bestandsnaam: tekst}."""
    files, names = {}, []
    prev_cadence, settled, turn = None, False, 0
    for w, spec in enumerate(WEEKS, start=1):
        for s in (1, 2, 3):
            first_settle = settle_for(w, s) and not settled
            settled = settled or settle_for(w, s)
            sess, used = build_session(w, s, spec, prev_cadence, first_settle, turn)
            turn += used
            name = f"week{w:02d}-{s}.toml"
            files[name] = to_toml(sess)
            names.append(name)
        prev_cadence = spec["cadence"]
    prog = ["# Gegenereerd door generate.py: pas het schema daar aan, niet hier.", "",
            "[program]", 'title = "Van 12 naar 36 minuten"',
            "description = " + q(
                "In veertien weken, drie keer per week, van twaalf naar zesendertig minuten "
                "ontspannen hardlopen: ongeveer honderd dagen. Je begint met korte stukjes "
                "hardlopen en wandelen en bouwt rustig op, met af en toe een week om het te "
                "laten landen. Loop zo rustig dat je nog kunt praten, adem langer uit dan in, "
                "en let onderweg op je lichaam en je omgeving."),
            "sessions = ["]
    prog += [f"  {q(n)}," for n in names]
    prog.append("]")
    files["program.toml"] = "\n".join(prog) + "\n"
    return files


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    for name, text in build().items():
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"{len(build())} bestanden geschreven naar {out}")


if __name__ == "__main__":
    main()
