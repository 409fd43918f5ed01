#!/usr/bin/env python3
"""Writes the fixture voice pack `test` used by rustig's tests: every core clip id,
plus a few extras, each a constant-level block at 8000 Hz so that tests can find a
clip's first and last frame exactly. Lengths: 2.0 s, except those listed in LENGTHS.
Run from this folder: python3 make_fixture.py"""
import struct, wave, os

RATE = 8000
LEVEL = 8192  # 0.25 of full scale
LENGTHS = {"aftellen.10": 1.5, "adem.in": 1.0, "adem.uit": 1.0, "einde": 2.5, "kort": 0.5}

ids = ["blok.warmup", "blok.walk", "blok.run", "blok.cooldown", "blok.strength", "blok.stretch",
       "blok.breathe", "blok.silence"]
ids += [f"ronde.{i}" for i in range(1, 21)]
ids += ["ronde.laatste", "aftellen.10", "halverwege", "einde",
        "techniek.houding", "techniek.schouders", "techniek.armen", "techniek.voeten",
        "techniek.kuiten", "techniek.romp", "techniek.cadans",
        "tempo.praten", "tempo.uitademen", "tempo.langzamer",
        "oefening.squats", "oefening.lunges", "oefening.plank", "oefening.rust",
        "rek.kuiten", "rek.hamstrings", "rek.quadriceps", "rek.wissel", "adem.in", "adem.uit",
        "welkom", "kort"]

os.makedirs("test", exist_ok=True)
lines = ['[pack]', 'name = "Test"', 'language = "nl"', '', '[clips]']
for cid in ids:
    name = cid.replace(".", "-") + ".wav"
    frames = round(LENGTHS.get(cid, 2.0) * RATE)
    with wave.open(os.path.join("test", name), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack("<h", LEVEL) * frames)
    lines.append(f'"{cid}" = {{ file = "{name}", text = "Tekst van {cid}." }}')
with open(os.path.join("test", "voice.toml"), "w") as f:
    f.write("\n".join(lines) + "\n")
