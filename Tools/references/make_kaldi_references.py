"""Make the Kaldi archive fixtures that HMMKitMatrixFiles must read, and check that kaldiio reads
the archives HMMKit writes.

What
----
1. Known matrices (seeded, float32 and float64, including inf, -inf, NaN, -0.0, subnormals and
   an empty 0 x 3 matrix) are saved as .npy and written with kaldiio 2.18 into Kaldi archives
   with their script files:

     Tests/HMMKitMatrixFilesTests/Fixtures/kaldi/
       manifest.json            versions, entries (key, shape, dtype, offset), checks
       expected/{key}.npy       the known matrices, in their own dtype (<f4 or <f8), 2-D
       expected/{key}.kaldi.npy       compressed entries expanded with Kaldi's C++ arithmetic
                                      (CompressedMatrix::CopyToMat, transcribed below; float32)
       expected/{key}.kaldiio.npy     compressed entries as kaldiio expands them (float32)
       expected/{key}.text64.npy      text entries parsed as float64 (Python float())
       kaldiio/float.ark  .scp  binary float32 (FM)      save_ark(..., scp=...)
       kaldiio/double.ark .scp  binary float64 (DM)
       kaldiio/text.ark   .scp  text form                save_ark(..., text=True)
       kaldiio/compressed.ark .scp  CM (method 2), CM2 (3), CM3 (5), and automatic (1)
       kaldiio/mixed.ark  .scp  FM, text, DM, CM2 appended to one archive (append=True)
       kaldiio/single.mat       one FM object without a key (save_mat)
       kaldiio/plain.scp        "single single.mat": a plain-path entry
       kaldiio/ranges.scp       entries with Kaldi ranges [r1:r2] and [r1:r2,c1:c2]; the
                                expected values are kaldiio's load_scp results, saved as
                                expected/range_{n}.npy

   Script lines name archives relative to the kaldiio/ folder (the script chdirs there), so the
   Swift tests read them with KaldiPathResolution.scriptFolder.

2. The archives that HMMKit writes (Fixtures/kaldi/hmmkit/*.ark|scp, committed; made by the
   Swift test KaldiInteropTests.hmmkitWrittenArchives, which writes expected/*.npy through
   KaldiArchiveWriter and checks the committed files are byte-identical to what it writes now)
   are read back with kaldiio (load_ark and load_scp) and compared with the known matrices.
   The script prints the largest difference and fails unless it is exactly 0 (NaN matching
   NaN, the sign of zero included). kaldiio reads text as float32, so the text check compares
   with float32 values; the float64 text is also parsed with Python float() and must be exact.

Regenerate
----------
    source /root/.cache/hmmkit-peers-venv/bin/activate   # pip install kaldiio==2.18.1 if absent
    python Tools/references/make_kaldi_references.py            # fixtures + check
    HMMKIT_REGENERATE_KALDI_FIXTURES=1 swift test --skip-build --filter KaldiInteropTests  # HMMKit's archives
    python Tools/references/make_kaldi_references.py --check-only

Bit-for-bit reproducible (numpy default_rng(7)).
"""
import argparse
import hashlib
import json
import os
import struct
import sys

import numpy as np

from fixture_io import Writer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Tests", "HMMKitMatrixFilesTests", "Fixtures", "kaldi")


def known_matrices():
    """The known matrices, by archive: {archive: [(key, array)]}."""
    rng = np.random.default_rng(7)
    f32 = np.float32
    special32 = np.array([[np.inf, -np.inf, np.nan, -0.0],
                          [np.finfo(f32).max, -np.finfo(f32).max, np.finfo(f32).tiny, 1e-45],
                          [0.0, 1.0, -1.0, 0.1]], dtype=f32)
    special64 = np.array([[np.inf, -np.inf, np.nan],
                          [5e-324, -np.finfo(np.float64).max, 0.1]], dtype=np.float64)
    speech = (rng.standard_normal((20, 6)) * np.array([8, 4, 2, 1, 0.5, 0.01]) + np.arange(6)).astype(f32)
    speech[:, 5] = 3.0  # a constant column: Kaldi's percentiles then differ by one step each
    return {
        "float": [("f_regular", (rng.standard_normal((7, 13)) * 10).astype(f32)),
                  ("f_row", rng.standard_normal((1, 5)).astype(f32)),
                  ("f_special", special32),
                  ("f_empty", np.zeros((0, 3), dtype=f32)),
                  ("f_features", (rng.standard_normal((200, 39)) * 5).astype(f32))],
        "double": [("d_regular", rng.standard_normal((6, 4)) * 1e3),
                   ("d_special", special64),
                   ("d_features", rng.standard_normal((50, 39)))],
        "text": [("t_regular", (rng.standard_normal((4, 3)) * 100).astype(f32)),
                 ("t_wide", rng.standard_normal((2, 20)).astype(f32)),
                 ("t_single", np.array([[2.5]], dtype=f32))],
        "compressed": [("c_speech", speech, 2),
                       ("c_speech_short", speech[:3].copy(), 2),
                       ("c_twobyte", (rng.standard_normal((5, 4)) * 3).astype(f32), 3),
                       ("c_onebyte", (rng.standard_normal((5, 4)) * 3).astype(f32), 5),
                       ("c_auto_small", rng.standard_normal((4, 3)).astype(f32), 1)],
    }


class KaldiWriter(Writer):
    """The shared fixture writer, for float32 or float64 arrays that may hold inf and NaN."""

    def save(self, rel, array):
        super().save(rel, array, dtypes=(np.float32, np.float64), finite=False)


def same_bits(a, b):
    """Equal values (NaN equal to NaN, -0.0 different from 0.0) and equal shapes."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return np.array_equal(a.view(np.uint8), b.view(np.uint8)) or (
        np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(a[~np.isnan(a)].view(np.uint8), b[~np.isnan(b)].view(np.uint8)))


def max_difference(a, b):
    """max |a - b| over finite entries; inf if the non-finite pattern or the shape differs."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return float("inf")
    finite = np.isfinite(a) & np.isfinite(b)
    if not np.array_equal(a[~finite & ~np.isnan(a)], b[~finite & ~np.isnan(b)]):
        return float("inf")
    return float(np.abs(a[finite] - b[finite]).max()) if finite.any() else 0.0


# --- Kaldi's CompressedMatrix::CopyToMat, transcribed in numpy float32/float64 scalars ---------

ONE_OVER_65535_F = np.float32("1.52590218966964e-05")


def kaldi_uint16_to_float(minimum, rng, value):
    return np.float32(minimum + np.float32(np.float32(rng * ONE_OVER_65535_F) * np.float32(value)))


def kaldi_char_to_float(p0, p25, p75, p100, value):
    value = int(value)
    if value <= 64:
        return np.float32(np.float64(p0) + np.float64(np.float32((p25 - p0) * np.float32(value))) * (1 / 64.0))
    if value <= 192:
        return np.float32(np.float64(p25) + np.float64(np.float32((p75 - p25) * np.float32(value - 64))) * (1 / 128.0))
    return np.float32(np.float64(p75) + np.float64(np.float32((p100 - p75) * np.float32(value - 192))) * (1 / 63.0))


def kaldi_expand_compressed(data, offset):
    """Parses the compressed object at `offset` of archive bytes `data` (own parser, not kaldiio)."""
    assert data[offset:offset + 2] == b"\0B"
    end = data.index(b" ", offset + 2)
    token = data[offset + 2:end].decode()
    pos = end + 1
    minimum, rng = (np.float32(v) for v in struct.unpack_from("<ff", data, pos))
    rows, cols = struct.unpack_from("<ii", data, pos + 8)
    pos += 16
    out = np.zeros((rows, cols), dtype=np.float32)
    if token == "CM":
        headers = np.frombuffer(data, dtype="<u2", count=4 * cols, offset=pos).reshape(cols, 4)
        pos += 8 * cols
        body = np.frombuffer(data, dtype=np.uint8, count=rows * cols, offset=pos).reshape(cols, rows)
        for c in range(cols):
            p = [kaldi_uint16_to_float(minimum, rng, h) for h in headers[c]]
            for r in range(rows):
                out[r, c] = kaldi_char_to_float(*p, body[c, r])
    else:
        dtype, divisor = ("<u2", 65535.0) if token == "CM2" else (np.uint8, 255.0)
        values = np.frombuffer(data, dtype=dtype, count=rows * cols, offset=pos).reshape(rows, cols)
        increment = np.float32(np.float64(rng) * (1.0 / divisor))
        for r in range(rows):
            for c in range(cols):
                out[r, c] = np.float32(minimum + np.float32(np.float32(values[r, c]) * increment))
    return token, out


def read_scp(path):
    with open(path) as fh:
        return [line.split(None, 1) for line in fh.read().splitlines() if line.strip()]


def make_fixtures(kaldiio, writer, manifest):
    os.makedirs(os.path.join(OUT, "kaldiio"), exist_ok=True)
    cwd = os.getcwd()
    os.chdir(os.path.join(OUT, "kaldiio"))
    try:
        sets = known_matrices()
        for name in ("float", "double", "text"):
            entries = dict(sets[name])
            kaldiio.save_ark(f"{name}.ark", entries, scp=f"{name}.scp", text=(name == "text"))
        # Compressed: one archive, each entry with its own method (append keeps one file).
        if os.path.exists("compressed.ark"):
            os.remove("compressed.ark")
            os.remove("compressed.scp")
        for key, array, method in sets["compressed"]:
            kaldiio.save_ark("compressed.ark", {key: array}, scp="compressed.scp", append=True,
                             compression_method=method)
        # Mixed: FM, text, DM, CM2 in one archive.
        for path in ("mixed.ark", "mixed.scp"):
            if os.path.exists(path):
                os.remove(path)
        mixed = [("m_float", sets["float"][0][1], {}), ("m_text", sets["text"][0][1], dict(text=True)),
                 ("m_double", sets["double"][0][1], {}), ("m_twobyte", sets["compressed"][2][1], dict(compression_method=3))]
        for key, array, options in mixed:
            kaldiio.save_ark("mixed.ark", {key: array}, scp="mixed.scp", append=True, **options)
        kaldiio.save_mat("single.mat", sets["float"][1][1])
        with open("plain.scp", "w") as fh:
            fh.write("single single.mat\n")
        # Ranges (Kaldi's inclusive [r1:r2] and [r1:r2,c1:c2]) on entries of float.ark and double.ark.
        locations = dict(read_scp("float.scp") + read_scp("double.scp"))
        ranges = [("range_rows", locations["f_regular"] + "[1:3]"),
                  ("range_block", locations["f_features"] + "[10:19,0:12]"),
                  ("range_columns", locations["d_regular"] + "[:,1:2]")]
        with open("ranges.scp", "w") as fh:
            for key, location in ranges:
                fh.write(f"{key} {location}\n")
        for key, value in kaldiio.load_scp("ranges.scp").items():
            writer.save(f"expected/{key}.npy", np.ascontiguousarray(value))
    finally:
        os.chdir(cwd)

    # Expected values, and checks that kaldiio reads back what it wrote.
    folder = os.path.join(OUT, "kaldiio")
    entries = []
    for name in ("float", "double", "text", "compressed", "mixed"):
        scp = dict(read_scp(os.path.join(folder, f"{name}.scp")))
        via_ark = dict(kaldiio.load_ark(os.path.join(folder, f"{name}.ark")))
        data = open(os.path.join(folder, f"{name}.ark"), "rb").read()
        for key, location in scp.items():
            offset = int(location.rsplit(":", 1)[1])
            entries.append(dict(archive=f"kaldiio/{name}.ark", key=key, offset=offset,
                                shape=list(via_ark[key].shape), dtype=str(via_ark[key].dtype)))
    for key, array in sets_flat():
        writer.save(f"expected/{key}.npy", np.ascontiguousarray(array))
        back = dict(kaldiio.load_ark(os.path.join(folder, archive_of(key) + ".ark")))[key]
        if archive_of(key) == "text":
            assert same_bits(back, array), key
            # Parse the text tokens as float64, independently of kaldiio.
            writer.save(f"expected/{key}.text64.npy", text_as_float64(os.path.join(folder, "text.ark"), key))
        elif archive_of(key) != "compressed":
            assert same_bits(back, array), key
    data = open(os.path.join(folder, "compressed.ark"), "rb").read()
    tokens = {}
    worst_kaldiio_vs_kaldi = 0.0
    for key, location in read_scp(os.path.join(folder, "compressed.scp")):
        token, expanded = kaldi_expand_compressed(data, int(location.rsplit(":", 1)[1]))
        tokens[key] = token
        theirs = dict(kaldiio.load_ark(os.path.join(folder, "compressed.ark")))[key]
        writer.save(f"expected/{key}.kaldi.npy", expanded)
        writer.save(f"expected/{key}.kaldiio.npy", np.ascontiguousarray(theirs, dtype=np.float32))
        worst_kaldiio_vs_kaldi = max(worst_kaldiio_vs_kaldi, max_difference(theirs, expanded) / float(np.abs(expanded).max()))
    for name in ("float.ark", "float.scp", "double.ark", "double.scp", "text.ark", "text.scp", "compressed.ark",
                 "compressed.scp", "mixed.ark", "mixed.scp", "single.mat", "plain.scp", "ranges.scp"):
        writer.record(f"kaldiio/{name}")
    manifest["entries"] = entries
    manifest["compressed_tokens"] = tokens
    manifest["checks"]["kaldiio_reads_its_own_archives_exactly"] = True
    manifest["checks"]["compressed_kaldiio_vs_kaldi_cpp_max_rel_err"] = worst_kaldiio_vs_kaldi
    print(f"compressed: kaldiio's expansion vs Kaldi's C++ arithmetic, max rel err {worst_kaldiio_vs_kaldi:.3g}")


def sets_flat():
    for name, items in known_matrices().items():
        for item in items:
            yield item[0], item[1]


def archive_of(key):
    return {"f": "float", "d": "double", "t": "text", "c": "compressed"}[key[0]]


def text_as_float64(path, key):
    text = open(path, encoding="ascii").read()
    start = text.index(key + " ")
    body = text[text.index("[", start) + 1:text.index("]", start)]
    rows = [[float(token) for token in line.split()] for line in body.split("\n") if line.strip()]
    return np.array(rows, dtype=np.float64)


def check_hmmkit(kaldiio, manifest):
    """kaldiio reads the archives HMMKit wrote with the known values."""
    folder = os.path.join(OUT, "hmmkit")
    if not os.path.isdir(folder):
        print("no Fixtures/kaldi/hmmkit yet: run the Swift test with HMMKIT_REGENERATE_KALDI_FIXTURES=1")
        return False
    known = dict(sets_flat())
    cwd = os.getcwd()
    os.chdir(folder)
    worst = 0.0
    compared = 0
    try:
        for name in ("float", "double", "text"):
            through_ark = dict(kaldiio.load_ark(f"{name}.ark"))
            through_scp = dict(kaldiio.load_scp(f"{name}.scp"))
            assert list(through_ark) == list(through_scp), name
            for key, value in through_ark.items():
                expected = known[key]
                if name == "text":
                    expected = expected.astype(np.float32)  # kaldiio parses text as float32
                    raw = text_as_float64(f"{name}.ark", key)
                    assert same_bits(raw, known[key].astype(np.float64)), f"text {key} is not exact in float64"
                if expected.size == 0:
                    # HMMKit writes an empty matrix as Kaldi does, 0 x 0.
                    assert value.size == 0, key
                    continue
                for got in (value, through_scp[key]):
                    assert got.dtype == expected.dtype, (key, got.dtype, expected.dtype)
                    assert same_bits(got, expected), f"{name}/{key} differs"
                    worst = max(worst, max_difference(got, expected))
                compared += 1
    finally:
        os.chdir(cwd)
    print(f"kaldiio reads HMMKit's archives: {compared} matrices (float, double, text; through .ark and .scp), "
          f"max |difference| = {worst}")
    manifest["checks"]["kaldiio_reads_hmmkit_archives_max_abs_diff"] = worst
    manifest["checks"]["kaldiio_reads_hmmkit_archives_matrices"] = compared
    return worst == 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check-only", action="store_true", help="only check HMMKit's archives with kaldiio")
    args = parser.parse_args()
    import kaldiio

    manifest_path = os.path.join(OUT, "manifest.json")
    if args.check_only and os.path.exists(manifest_path):
        manifest = json.load(open(manifest_path))
    else:
        manifest = dict(tool=dict(kaldiio=kaldiio.__version__, numpy=np.__version__,
                                  python=sys.version.split()[0]), checks={})
    writer = KaldiWriter(OUT)
    if not args.check_only:
        make_fixtures(kaldiio, writer, manifest)
        manifest["files"] = writer.files
    ok = check_hmmkit(kaldiio, manifest)
    with open(manifest_path, "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")
    if not ok and os.path.isdir(os.path.join(OUT, "hmmkit")):
        sys.exit("kaldiio does not read HMMKit's archives exactly")


if __name__ == "__main__":
    main()
