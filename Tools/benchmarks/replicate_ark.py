#!/usr/bin/env python3
"""Makes a large Kaldi archive by replicating the matrices of a small one under new keys.

    python3 Tools/benchmarks/replicate_ark.py feats.scp COPIES big.ark

Reads the archive entries its script file points at (binary matrices: `key \\0B…`) and writes
each of them COPIES times, as `key-r0`, `key-r1`, …, round after round (standard library only;
the bytes of each matrix are copied unchanged). Used for the streaming-memory benchmark in
BENCHMARKS.md: 2,000 FSDD utterances (92,061 frames) × 112 copies = 10.3 million frames.
"""
import sys


def entries(script_path):
    """(key, bytes of the matrix from its `\\0B` header to the next entry) for every script line."""
    lines = [line.split() for line in open(script_path) if line.strip()]
    archives = {}
    for key, location in lines:
        path, offset = location.rsplit(":", 1)
        archives.setdefault(path, []).append((int(offset), key))
    for path, items in archives.items():
        data = open(path, "rb").read()
        items.sort()
        for index, (offset, key) in enumerate(items):
            end = len(data)
            if index + 1 < len(items):
                next_offset, next_key = items[index + 1]
                end = next_offset - len(next_key) - 1  # the next entry starts with "key "
            yield key, data[offset:end]


def main():
    script, copies, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    matrices = list(entries(script))
    with open(output, "wb") as out:
        for copy in range(copies):
            for key, body in matrices:
                out.write(f"{key}-r{copy} ".encode() + body)
    print(f"{len(matrices) * copies} matrices written to {output}")


if __name__ == "__main__":
    main()
