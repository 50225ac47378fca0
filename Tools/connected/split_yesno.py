#!/usr/bin/env python3
"""Cut the yesno training recordings (names starting with 0_) into their 8 words by energy, for
whole-word training: frames of 25 ms every 10 ms, the speech threshold halfway (in dB) between the
file's 10th and 90th percentile frame energies, regions closer than 150 ms merged, regions
shorter than 100 ms dropped, each kept region padded by 50 ms. A file that does not give exactly
8 regions is skipped (and named). Test recordings (1_*) are never read.
Writes OUT/yes_0_N.wav / OUT/no_0_N.wav (label_speaker_take names; one speaker "0").

    split_yesno.py WAVES_YESNO OUT
"""
import array, math, os, sys, wave

def regions(samples, rate):
    frame, shift = int(0.025 * rate), int(0.010 * rate)
    energies = []
    for start in range(0, len(samples) - frame + 1, shift):
        e = sum(x * x for x in samples[start:start + frame]) / frame
        energies.append(10 * math.log10(e + 1e-10))
    ordered = sorted(energies)
    low, high = ordered[len(ordered) // 10], ordered[9 * len(ordered) // 10]
    threshold = (low + high) / 2
    found, start = [], None
    for i, e in enumerate(energies + [-1e9]):
        if e >= threshold and start is None: start = i
        if e < threshold and start is not None: found.append([start, i]); start = None
    merged = []
    for r in found:
        if merged and r[0] - merged[-1][1] < 15: merged[-1][1] = r[1]
        else: merged.append(r)
    return [(a * shift, b * shift + frame) for a, b in merged if b - a >= 10]

source, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
take = 0
for name in sorted(os.listdir(source)):
    if not (name.startswith("0_") and name.endswith(".wav")): continue
    with wave.open(os.path.join(source, name), "rb") as w:
        rate = w.getframerate(); samples = array.array("h", w.readframes(w.getnframes()))
    words = ["yes" if c == "1" else "no" for c in name[:-4].split("_")]
    found = regions(samples, rate)
    if len(found) != len(words):
        print(f"skipped {name}: {len(found)} regions for {len(words)} words", file=sys.stderr); continue
    pad = int(0.05 * rate)
    for word, (a, b) in zip(words, found):
        with wave.open(os.path.join(out, f"{word}_0_{take}.wav"), "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
            w.writeframes(samples[max(0, a - pad):min(len(samples), b + pad)].tobytes())
        take += 1
print(f"{take} word recordings", file=sys.stderr)
