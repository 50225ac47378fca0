"""Independent reference for HMMKitCorpus's seeded fraction split (LabelledCorpus.split(.fraction)).

Re-implements the algorithm as its documentation states it, from scratch, and prints the test
part's file names as a Swift literal for Tests/HMMKitCorpusTests/CorpusSplitReference.swift:

- each label's entries in natural order of path (digit runs compare by value);
- SplitMix64 seeded with seed XOR FNV-1a-64(label's UTF-8 bytes);
- Fisher-Yates from the last index down, each draw uniform in [0, i] by rejecting 64-bit draws
  below 2^64 mod (i + 1), then taking the draw mod (i + 1);
- test count round-half-away(fraction * n), clamped to 1..n-1 for n >= 2 (0 for n = 1);
- the test part listed in corpus order.

Usage: python3 Tools/references/make_corpus_split_reference.py  (standard library only)
"""
import functools
import re

MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def fnv1a64(text):
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def natural_cmp(a, b):
    """Digit runs by value (then the shorter run, i.e. fewer leading zeros, first); other characters by code point."""
    ta, tb = re.findall(r"\d+|\D", a), re.findall(r"\d+|\D", b)
    for x, y in zip(ta, tb):
        if x.isdigit() and y.isdigit():
            key_x, key_y = (int(x), len(x)), (int(y), len(y))
            if key_x != key_y:
                return -1 if key_x < key_y else 1
        elif x != y:
            # A digit run against a character compares its first digit.
            cx, cy = x[0], y[0]
            if cx != cy:
                return -1 if cx < cy else 1
            return -1 if len(x) < len(y) else 1
    return (len(ta) > len(tb)) - (len(ta) < len(tb))


def fraction_split(paths_labels, fraction, seed):
    test = set()
    labels = {}
    for path, label in paths_labels:
        labels.setdefault(label, []).append(path)
    for label, paths in labels.items():
        order = sorted(paths, key=functools.cmp_to_key(natural_cmp))
        gen = splitmix64(seed ^ fnv1a64(label))
        for i in range(len(order) - 1, 0, -1):
            bound = i + 1
            threshold = (1 << 64) % bound
            draw = next(gen)
            while draw < threshold:
                draw = next(gen)
            j = draw % bound
            order[i], order[j] = order[j], order[i]
        n = len(order)
        count = 0 if n < 2 else min(n - 1, max(1, int(fraction * n + 0.5)))
        test.update(order[:count])
    return [p for p, _ in paths_labels if p in test]


def main():
    # The corpus of CorpusSplitTests.fractionSplitMatchesTheReferenceImplementation, in its order.
    entries = [(f"/corpus/{label}_{speaker}_{take}.wav", label)
               for label in ["0", "1", "yes"] for speaker in ["george", "lucas"] for take in range(12)]
    names = [p.rsplit("/", 1)[1] for p in fraction_split(entries, 0.2, 2024)]
    print("    static let seed2024Fraction02 = [")
    for k in range(0, len(names), 4):
        print("        " + ", ".join(f'"{n}"' for n in names[k:k + 4]) + ",")
    print("    ]")


if __name__ == "__main__":
    main()
