"""Make the VTLN filterbank fixtures that HMMKitFeatures' warped Kaldi filterbank must reproduce.

What
----
kaldi-native-fbank's ``MelBanks(opts, frame_opts, vtln_warp_factor)`` builds Kaldi's mel
filterbank with the filters' corners moved by ``MelBanks::VtlnWarpFreq`` (the piecewise-linear
warp with the cut-offs ``vtln_low`` / ``vtln_high``). This script saves its weight matrices,
``get_matrix()`` (num_bins x (fft/2 + 1), float32 widened to float64 without rounding), for
Kaldi's default mel options (23 bins, low 20 Hz, high = Nyquist, vtln_low 100 Hz, vtln_high
-500 Hz = Nyquist - 500) at two rates and a sweep of warp factors, plus one case with other
cut-offs and band edges:

  Tests/HMMKitFeaturesTests/Fixtures/references/vtln/
    knf_{rate}_{bins}_{warp}.npy     the weights, e.g. knf_8000_23_0.90.npy
    manifest.json                    every case's options, shape, sha256; versions

The Swift test (VTLNWarpTests) builds the same filterbanks with
``FeatureConfiguration.kaldi(sampleRate:)`` and ``vtlnWarp`` and compares weight by weight.

How to run
----------
    ~/.cache/hmmkit-peers-venv/bin/python Tools/references/make_vtln_references.py

from any working directory; under a second. Made with kaldi-native-fbank 1.23.0, numpy 2.4.6
(the versions used are written to the manifest).
"""
import json
import os
import platform

import kaldi_native_fbank as knf
import numpy as np

from fixture_io import Writer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "Tests", "HMMKitFeaturesTests", "Fixtures", "references", "vtln")
SWEEP = [0.80, 0.86, 0.90, 0.95, 1.00, 1.05, 1.10, 1.14, 1.20]
# (rate, bins, low_freq, high_freq, vtln_low, vtln_high, warps): Kaldi's defaults at 8 kHz (the
# whole sweep) and 16 kHz, and one case with band edges and cut-offs of its own.
SETUPS = [
    (8000, 23, 20.0, 0.0, 100.0, -500.0, SWEEP),
    (16000, 23, 20.0, 0.0, 100.0, -500.0, [0.86, 1.00, 1.14]),
    (8000, 26, 64.0, 3800.0, 200.0, 3300.0, [0.86, 1.00, 1.14]),
]


def filterbank(rate, bins, low, high, vtln_low, vtln_high, warp):
    frame = knf.FrameExtractionOptions()
    frame.samp_freq = rate
    mel = knf.MelBanksOptions()
    mel.num_bins = bins
    mel.low_freq = low
    mel.high_freq = high
    mel.vtln_low = vtln_low
    mel.vtln_high = vtln_high
    weights = knf.MelBanks(mel, frame, warp).get_matrix()
    assert weights.dtype == np.float32
    return np.ascontiguousarray(weights, dtype=np.float64)


def main():
    writer = Writer(ROOT)
    cases = []
    for rate, bins, low, high, vtln_low, vtln_high, warps in SETUPS:
        unwarped = filterbank(rate, bins, low, high, vtln_low, vtln_high, 1.0)
        for warp in warps:
            weights = filterbank(rate, bins, low, high, vtln_low, vtln_high, warp)
            name = f"knf_{rate}_{bins}_{warp:.2f}.npy"
            if (low, high, vtln_low, vtln_high) != (20.0, 0.0, 100.0, -500.0):
                name = f"knf_{rate}_{bins}_custom_{warp:.2f}.npy"
            writer.save(name, weights)
            # Sanity: the warp moves the filters (centres up for warp < 1, down for warp > 1).
            centre = lambda w: (w * np.arange(w.shape[1])).sum(1) / w.sum(1)
            shift = float(np.mean(centre(weights) - centre(unwarped)))
            assert warp == 1.0 and shift == 0.0 or (warp < 1) == (shift > 0), (name, shift)
            cases.append(dict(file=name, sample_rate=rate, num_bins=bins, low_freq=low, high_freq=high,
                              vtln_low=vtln_low, vtln_high=vtln_high, vtln_warp=warp,
                              shape=list(weights.shape), mean_centre_shift_bins=shift))
    manifest = dict(
        description="kaldi_native_fbank.MelBanks(opts, frame_opts, vtln_warp).get_matrix(), float32 widened to float64; "
                    "frame options: knf defaults (25 ms frames, FFT = frame rounded up to a power of two)",
        versions=dict(kaldi_native_fbank=knf.__version__,
                      numpy=np.__version__, python=platform.python_version()),
        cases=cases, files=writer.files)
    with open(os.path.join(ROOT, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(f"wrote {len(cases)} filterbanks to {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
