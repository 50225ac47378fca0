#!/usr/bin/env python3
"""How many recordings of a speaker the speaker-dependent models need before they beat the
unknown-voice models (RecognizerConfiguration.unknownVoiceFrames; BENCHMARKS.md "Unknown voices").

Takes the leave-one-speaker-out recognizers of a `loso_unknown_voices.sh NAME known` run
(WORK/NAME/SPEAKER.json, trained with both model sets) and evaluates each held-out speaker's
500 recordings in groups of K recordings (a seeded shuffle, each group named as a speaker of its
own), twice: with every group sent to the speaker-dependent models (the threshold set to 1 frame)
and with every group sent to the unknown-voice models (threshold above any group). Prints the
accuracy of each set for each K.

    Tools/benchmarks/unknown_voice_threshold.py NAME [K ...]
Environment: HMMKIT (default .build/release/hmmkit), WORK (default /tmp/hmmkit-loso).
"""
import json
import os
import random
import subprocess
import sys

name = sys.argv[1]
sizes = [int(k) for k in sys.argv[2:]] or [1, 2, 3, 5, 10, 25]
hmmkit = os.environ.get("HMMKIT", ".build/release/hmmkit")
work = os.environ.get("WORK", "/tmp/hmmkit-loso")
speakers = ["george", "jackson", "lucas", "nicolas"]
folder = os.path.join(work, name)


def with_threshold(model, frames):
    """A copy of the recognizer file `model` whose unknownVoiceFrames is `frames`."""
    document = json.load(open(model))
    document["configuration"]["unknownVoiceFrames"] = frames
    path = f"{model[:-5]}.threshold{frames}.json"
    json.dump(document, open(path, "w"))
    return path


print(f"{'K':>3} {'set':18s} " + " ".join(f"{s:>8s}" for s in speakers) + "     mean")
for k in sizes:
    rows = {"speaker models": [], "unknown-voice": []}
    for speaker in speakers:
        lines = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, f"test_{speaker}_known.tsv"))]
        random.Random(k).shuffle(lines)
        manifest = os.path.join(folder, f"{speaker}.groups{k}.tsv")
        with open(manifest, "w") as out:
            for index, (path, label, _) in enumerate(lines):
                out.write(f"{path}\t{label}\t{speaker}-{index // k}\n")
        model = os.path.join(folder, f"{speaker}.json")
        for case, threshold in [("speaker models", 1), ("unknown-voice", 10_000_000)]:
            result = json.loads(subprocess.run([hmmkit, "evaluate", with_threshold(model, threshold), manifest,
                                                "--speakers", "from-manifest", "--json"],
                                               check=True, capture_output=True, text=True).stdout)
            rows[case].append(100 * result["correct"] / result["count"])
    for case, accuracies in rows.items():
        print(f"{k:3d} {case:18s} " + " ".join(f"{a:8.1f}" for a in accuracies) + f"  {sum(accuracies) / 4:7.2f}")
