"""Reference word-error counts for HMMKitTranscripts' scoring, from kaldialign (Kaldi's
LevenshteinEditDistance wrapped for Python).

Writes, under Tests/HMMKitTranscriptsTests/Fixtures/scoring/:
  ref.txt, hyp.txt  Kaldi `text` files (utt-id word word ...), one utterance a line;
                    an utterance with no words is a line holding only its id
  counts.tsv        per utterance: id, ins, del, sub, total, ref_len (kaldialign.edit_distance)
  total.tsv         the whole set: ins, del, sub, total, ref_len (kaldialign.batch_error_rate),
                    and sentence errors (utterances with total > 0)

The cases: named edge cases (empty hypothesis, empty reference, both empty, all insertions,
all deletions, all substitutions, ties where several alignments share the minimum distance),
then 400 random pairs over a 3- to 5-word vocabulary (small, so ties are frequent).

Regenerate (any Python 3 with `pip install kaldialign`; committed with kaldialign 0.12.0):
    python3 -m venv /tmp/ka && /tmp/ka/bin/pip install kaldialign==0.12.0
    /tmp/ka/bin/python Tools/references/make_scoring_references.py
"""
import os
import random

import kaldialign

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "HMMKitTranscriptsTests", "Fixtures", "scoring")

NAMED = [
    ("empty-hyp", "one two three", ""),
    ("empty-ref", "", "one two"),
    ("both-empty", "", ""),
    ("all-insertion", "", "five five six seven"),
    ("all-deletion", "nine eight seven six", ""),
    ("all-substitution", "one two three", "four five six"),
    ("exact", "oh four two", "oh four two"),
    ("tie-del-or-sub", "a b", "b"),
    ("tie-ins-or-sub", "b", "a b"),
    ("tie-shift", "a b a b", "b a b a"),
    ("tie-reversal", "a b c", "c b a"),
    ("tie-repeat", "a a a", "a a"),
    ("longer-hyp", "one two", "one one two two"),
    ("one-word-wrong", "seven", "eight"),
    ("insert-both-ends", "two", "one two three"),
]


def words(text):
    return text.split()


def main():
    rng = random.Random(18)
    cases = list(NAMED)
    for index in range(400):
        vocabulary = ["zero", "one", "two", "three", "four"][: rng.randint(3, 5)]
        ref = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 8)))
        hyp = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 8)))
        cases.append((f"random-{index:03d}", ref, hyp))

    os.makedirs(ROOT, exist_ok=True)
    rows = []
    for utt, ref, hyp in cases:
        result = kaldialign.edit_distance(words(ref), words(hyp))
        assert result["ins"] + result["del"] + result["sub"] == result["total"]
        rows.append((utt, result["ins"], result["del"], result["sub"], result["total"], result["ref_len"]))
    batch = kaldialign.batch_error_rate([words(r) for _, r, _ in cases], [words(h) for _, _, h in cases])
    sentence_errors = sum(1 for row in rows if row[4] > 0)

    def text(column):
        return "".join(f"{utt} {case[column]}".rstrip() + "\n" for case in cases for utt in [case[0]])

    with open(os.path.join(ROOT, "ref.txt"), "w") as out:
        out.write(text(1))
    with open(os.path.join(ROOT, "hyp.txt"), "w") as out:
        out.write(text(2))
    with open(os.path.join(ROOT, "counts.tsv"), "w") as out:
        out.write("# kaldialign %s edit_distance: id ins del sub total ref_len\n" % kaldialign.__version__)
        for row in rows:
            out.write("\t".join(str(value) for value in row) + "\n")
    with open(os.path.join(ROOT, "total.tsv"), "w") as out:
        out.write("# kaldialign %s batch_error_rate: ins del sub total ref_len; sentence_errors sentences\n" % kaldialign.__version__)
        out.write("\t".join(str(batch[key]) for key in ("ins", "del", "sub", "total", "ref_len")))
        out.write(f"\t{sentence_errors}\t{len(cases)}\n")
    print(f"{len(cases)} utterances; total {batch}; sentence errors {sentence_errors}")


if __name__ == "__main__":
    main()
