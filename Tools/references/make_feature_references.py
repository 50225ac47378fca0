"""Make the MFCC reference fixtures that HMMKitFeatures must reproduce.

What
----
HMMKit's Swift MFCC front end has three presets that must agree with three
reference tools.  This script runs those tools, with exactly the parameters
and input scaling of the peers' benchmark (/work/shared/peers/w1_features.py,
whose ``PARAMS`` dict is copied below verbatim), on a fixed list of FSDD
recordings and writes what they produce as ``.npy`` files that the Swift tests
read (the tests never run Python):

  Tests/HMMKitFeaturesTests/Fixtures/
    audio/{stem}.wav                 the input recordings (byte copies of FSDD)
    audio/LICENSE.md                 FSDD attribution, CC BY-SA 4.0
    references/manifest.json         files, tools, versions, parameters, frame counts
    references/{tool}/{stem}.npy         frames x 39: [mfcc, delta, delta-delta]
    references/{tool}/{stem}.mfcc13.npy  frames x 13: the static MFCCs
    references/intermediate/*.npy    filterbanks, windows, spectra, log-mels
                                     (for 0_george_0; listed in the manifest)

  tool = librosa | psf (python_speech_features) | kaldi (kaldi-native-fbank)

Every array is float64, C order.  librosa and kaldi-native-fbank compute in
float32; their float32 results are widened to float64 losslessly (no rounding,
no recomputation), so each stored value is exactly what the tool returned.

The three presets (see PARAMS and the manifest for every value):
  librosa  y = int16/32768 (float32); librosa.feature.mfcc(n_mfcc=13, n_fft=256,
           win_length=200, hop_length=80, hann, center=True, constant padding,
           26 Slaney mels 0-4000 Hz, power_to_db top_db=80, DCT-II ortho, no lifter);
           deltas librosa.feature.delta(width=5, order=1 and order=2).
  psf      int16 values as float64; psf.mfcc(winlen=0.025, winstep=0.01,
           numcep=13, nfilt=26, nfft=256, preemph=0.97, ceplifter=22,
           appendEnergy=True); deltas psf.delta(., 2) applied twice.
  kaldi    int16 values as float32; knf.OnlineMfcc with knf.MfccOptions()
           defaults except samp_freq=8000 and dither=0; deltas
           knf.compute_deltas(DeltaOptions(order=2, window=2)).

How to run
----------
    bash /work/shared/peers/setup.sh          # makes the peers' venv if missing
    ~/.cache/hmmkit-peers-venv/bin/python Tools/references/make_feature_references.py

from the package root (any working directory works; paths are resolved from
this file).  Options: ``--fsdd DIR`` (default $FSDD_DIR or
/work/shared/data/fsdd/recordings), ``--check-w1`` (also import the peers'
w1_features.py and assert that its feature functions give bit-identical
results for its three stems).  Takes a few seconds on one core.

If the FSDD folder is absent, the script reuses the WAVs already under
Fixtures/audio (the feature fixtures are always computed from those copies).

Versions
--------
Made with the peers' venv (/work/shared/peers/requirements.txt):
librosa 0.11.0, python_speech_features 0.6, kaldi-native-fbank 1.23.0,
numpy 2.4.6, scipy 1.17.1, soundfile 0.14.0, Python 3.11.  The versions
actually used are read from the imported packages and written to the
manifest; other versions may change the float32 results in the last bits.
"""
import argparse
import hashlib
import importlib
import importlib.metadata
import json
import math
import os
import platform
import shutil
import sys

import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(PACKAGE_ROOT, "Tests", "HMMKitFeaturesTests", "Fixtures")
AUDIO_DIR = os.path.join(FIXTURES, "audio")
REF_DIR = os.path.join(FIXTURES, "references")
INTER_DIR = os.path.join(REF_DIR, "intermediate")
DEFAULT_FSDD = os.environ.get("FSDD_DIR", "/work/shared/data/fsdd/recordings")
PEERS_DIR = os.environ.get("PEERS_DIR", "/work/shared/peers")

SR = 8000
TOOLS = ("librosa", "psf", "kaldi")
INTERMEDIATE_STEM = "0_george_0"

# --------------------------------------------------------------------------
# Parameters: copied verbatim from /work/shared/peers/w1_features.py (PARAMS).
# The feature functions below use exactly these values.
# --------------------------------------------------------------------------
PARAMS = {
    "input": "soundfile.read(dtype='int16'); all files 8000 Hz mono PCM_16",
    "librosa": dict(
        input_scaling="y = int16 / 32768.0 as float32",
        mfcc=dict(sr=8000, n_mfcc=13, n_fft=256, win_length=200, hop_length=80,
                  window="hann", center=True, pad_mode="constant", power=2.0,
                  n_mels=26, fmin=0.0, fmax=4000.0, htk=False, mel_norm="slaney",
                  dct_type=2, norm="ortho", lifter=0,
                  note="log is power_to_db(ref=1.0, amin=1e-10, top_db=80.0) i.e. 10*log10, top_db clipping"),
        delta=dict(width=5, mode="interp", order1=1, order2=2,
                   note="savgol-based; order-2 is a quadratic-fit 2nd derivative, not delta-of-delta"),
        output_layout="transposed to (frames, 13); 39 = [mfcc, delta, delta2]",
    ),
    "python_speech_features": dict(
        input_scaling="int16 values as float64 (no /32768)",
        mfcc=dict(samplerate=8000, winlen=0.025, winstep=0.01, numcep=13, nfilt=26,
                  nfft=256, lowfreq=0, highfreq=4000, preemph=0.97, ceplifter=22,
                  appendEnergy=True, winfunc="rectangular (psf default, np.ones)",
                  note="c0 replaced by log frame energy (appendEnergy); natural log; frames padded with zeros at end (ceil)"),
        delta=dict(N=2, note="delta(mfcc,2); delta-delta = delta(delta(mfcc,2),2); edge padding"),
    ),
    "kaldi_native_fbank": dict(
        input_scaling="int16 values as float32 (Kaldi convention, no /32768)",
        mfcc="knf.MfccOptions() defaults except frame_opts.samp_freq=8000, frame_opts.dither=0.0: "
             "frame_length_ms=25, frame_shift_ms=10, preemph_coeff=0.97, remove_dc_offset=True, "
             "window_type=povey, round_to_power_of_two=True (n_fft=256), snip_edges=True, "
             "mel num_bins=23, low_freq=20, high_freq=0 (Nyquist), HTK mel scale (is_librosa=False), "
             "num_ceps=13, use_energy=True, raw_energy=True, energy_floor=0, cepstral_lifter=22, htk_compat=False",
        delta="knf.compute_deltas(DeltaOptions(order=2, window=2)) == Kaldi add-deltas (recursive, edge replicate)",
    ),
}

# Keyword arguments derived from PARAMS (kept literal so they can be read at a glance).
LIBROSA_STFT = dict(n_fft=256, win_length=200, hop_length=80, window="hann",
                    center=True, pad_mode="constant")
LIBROSA_MEL = dict(sr=8000, n_fft=256, n_mels=26, fmin=0.0, fmax=4000.0, htk=False, norm="slaney")
LIBROSA_MFCC = dict(sr=8000, n_mfcc=13, n_fft=256, win_length=200, hop_length=80,
                    window="hann", center=True, pad_mode="constant", power=2.0,
                    n_mels=26, fmin=0.0, fmax=4000.0, htk=False, mel_norm="slaney",
                    dct_type=2, norm="ortho", lifter=0)
LIBROSA_DELTA_WIDTH = 5
# highfreq=None is what w1 passes; psf turns it into samplerate/2 = 4000 (PARAMS' value).
PSF_MFCC = dict(samplerate=8000, winlen=0.025, winstep=0.01, numcep=13, nfilt=26, nfft=256,
                lowfreq=0, highfreq=None, preemph=0.97, ceplifter=22, appendEnergy=True)
PSF_DELTA_N = 2


# --------------------------------------------------------------------------
# File selection (deterministic; the result is pinned in STEMS below).
# --------------------------------------------------------------------------
SPEAKERS = ("george", "jackson", "lucas", "nicolas")   # the 4 speakers of the folder, sorted
REQUIRED = ("0_george_0", "5_jackson_10", "9_nicolas_49")  # the 3 stems of w1's side outputs

SELECTION_RULE = (
    "(a) grid: for digit d in 0..9 and speaker index s in {d % 4, (d + 2) % 4} of "
    "(george, jackson, lucas, nicolas): take t = (5*d + s) % 50 -> 20 files, every digit twice, "
    "every speaker 5 times; (b) the 3 stems of w1's side outputs: 0_george_0, 5_jackson_10, "
    "9_nicolas_49; (c) the shortest and the longest file of the folder (by sample count, ties "
    "by name); (d) edge cases: the first file (by name) containing the int16 minimum -32768, and "
    "the shortest file (ties by name) with (n_samples - 200) % 80 == 0, for which psf appends "
    "no zero padding and Kaldi's last frame ends exactly on the last sample. Union, sorted by "
    "(digit, speaker, take)."
)

# Pinned result of SELECTION_RULE on the 2,000-file FSDD folder; the script
# re-derives it when the folder is available and refuses to run if it differs.
STEMS = [
    "0_george_0", "0_lucas_2", "1_jackson_6", "1_nicolas_8", "2_george_10", "2_lucas_12",
    "3_jackson_16", "3_lucas_7", "3_nicolas_12", "3_nicolas_18", "4_george_20", "4_lucas_22",
    "5_jackson_10", "5_jackson_26", "5_nicolas_28", "6_george_30", "6_jackson_47",
    "6_lucas_32", "6_nicolas_7", "7_jackson_36", "7_nicolas_38", "8_george_40", "8_lucas_42",
    "9_jackson_46", "9_nicolas_48", "9_nicolas_49",
]


def stem_key(stem):
    d, spk, take = stem.split("_")
    return int(d), spk, int(take)


def select_stems(fsdd_dir):
    """Apply SELECTION_RULE to the folder; returns {stem: [reasons]}."""
    names = sorted(f[:-4] for f in os.listdir(fsdd_dir) if f.endswith(".wav"))
    have = set(names)
    reasons = {}

    def add(stem, why):
        if stem not in have:
            raise SystemExit(f"selection: {stem}.wav not in {fsdd_dir}")
        reasons.setdefault(stem, []).append(why)

    for d in range(10):
        for s in sorted({d % 4, (d + 2) % 4}):
            add(f"{d}_{SPEAKERS[s]}_{(5 * d + s) % 50}", "grid (digit x speaker)")
    for stem in REQUIRED:
        add(stem, "w1 side-output stem")
    info = []
    for n in names:
        x, sr = sf.read(os.path.join(fsdd_dir, n + ".wav"), dtype="int16")
        info.append((len(x), n, int(x.min())))
    by_len = sorted((L, n) for L, n, _ in info)
    add(by_len[0][1], "shortest file of the folder")
    add(sorted(info, key=lambda r: (-r[0], r[1]))[0][1], "longest file of the folder")
    add(next(n for L, n, mn in info if mn == -32768), "contains int16 minimum -32768")
    add(next(n for L, n in by_len if (L - 200) % 80 == 0),
        "(n-200) % 80 == 0: no psf end padding; Kaldi's last frame ends on the last sample")
    return {s: reasons[s] for s in sorted(reasons, key=stem_key)}


# --------------------------------------------------------------------------
# The three feature pipelines (same calls and parameters as w1).
# Each returns (mfcc13, feat39) with frames as rows, in the tool's dtype.
# --------------------------------------------------------------------------
def feat_librosa(x):
    import librosa
    y = x.astype(np.float32) / 32768.0
    m = librosa.feature.mfcc(y=y, **LIBROSA_MFCC)                       # (13, frames)
    d1 = librosa.feature.delta(m, width=LIBROSA_DELTA_WIDTH, order=1)
    d2 = librosa.feature.delta(m, width=LIBROSA_DELTA_WIDTH, order=2)
    return m.T, np.vstack([m, d1, d2]).T


def feat_psf(x):
    import python_speech_features as psf
    s = x.astype(np.float64)
    m = psf.mfcc(s, **PSF_MFCC)                                         # (frames, 13)
    d1 = psf.delta(m, PSF_DELTA_N)
    d2 = psf.delta(d1, PSF_DELTA_N)
    return m, np.hstack([m, d1, d2])


def knf_mfcc_options():
    import kaldi_native_fbank as knf
    o = knf.MfccOptions()
    o.frame_opts.samp_freq = SR
    o.frame_opts.dither = 0.0
    return o


def feat_kaldi(x):
    import kaldi_native_fbank as knf
    mf = knf.OnlineMfcc(knf_mfcc_options())
    mf.accept_waveform(SR, x.astype(np.float32))
    mf.input_finished()
    m = np.stack([np.array(mf.get_frame(i)) for i in range(mf.num_frames_ready)])  # copy: buffer is the extractor's
    return m, knf.compute_deltas(knf.DeltaOptions(order=2, window=2), m)


FEATURE_FUNCS = {"librosa": feat_librosa, "psf": feat_psf, "kaldi": feat_kaldi}


def expected_frames(n):
    """Frame-count formulas of the three presets (checked against every file)."""
    return {
        "librosa": 1 + n // 80,                                   # centered, 128 zeros each side
        "psf": 1 if n <= 200 else 1 + math.ceil((n - 200) / 80),  # zero-padded at the end
        "kaldi": 0 if n < 200 else 1 + (n - 200) // 80,           # snip_edges: whole frames only
    }


# --------------------------------------------------------------------------
# Intermediate references for one file.
# --------------------------------------------------------------------------
def kaldi_windowed_frames_numpy(x, n_frames):
    """Kaldi/knf per-frame processing, re-done in float64 numpy (knf does not expose it):
    frame f = samples [80 f, 80 f + 200); subtract the frame mean; raw energy = sum of
    squares (this is c0's log, before pre-emphasis); pre-emphasis within the frame,
    x[i] -= 0.97 x[i-1] for i = 199..1 and x[0] -= 0.97 x[0]; povey window
    (0.5 - 0.5 cos(2 pi i / 199))^0.85; zero-pad to 256."""
    import kaldi_native_fbank as knf
    win = np.array(knf.FeatureWindowFunction(knf_mfcc_options().frame_opts).window, dtype=np.float64)
    out = np.zeros((n_frames, 256))
    raw_log_energy = np.zeros(n_frames)
    for f in range(n_frames):
        w = x[80 * f: 80 * f + 200].astype(np.float64)
        w = w - w.mean()
        raw_log_energy[f] = np.log(max(np.dot(w, w), np.finfo(np.float32).eps))
        p = w.copy()
        p[1:] = w[1:] - 0.97 * w[:-1]
        p[0] = w[0] - 0.97 * w[0]
        out[f, :200] = p * win
    return out, raw_log_energy


def intermediates(x):
    """Returns {name: (array, description)} for one recording (0_george_0)."""
    import librosa
    import python_speech_features as psf
    from python_speech_features import sigproc
    import kaldi_native_fbank as knf

    stem = INTERMEDIATE_STEM
    out = {}

    # ---- librosa ----
    y = x.astype(np.float32) / 32768.0
    mel = librosa.filters.mel(**LIBROSA_MEL)
    out["librosa.mel_filterbank.26x129.npy"] = (
        mel, "librosa.filters.mel(sr=8000, n_fft=256, n_mels=26, fmin=0, fmax=4000, htk=False, "
             "norm='slaney'); float32 as produced; rows = mel bands, columns = FFT bins 0..128 "
             "(bin k at k*31.25 Hz)")
    win = librosa.util.pad_center(librosa.filters.get_window("hann", 200, fftbins=True), size=256)
    out["librosa.window.hann_periodic200_padcenter256.npy"] = (
        win, "the window librosa.stft multiplies each 256-sample frame by: "
             "scipy.signal.get_window('hann', 200, fftbins=True) (periodic: 0.5-0.5*cos(2*pi*n/200), "
             "n=0..199) zero-padded by librosa.util.pad_center to 256 (28 zeros each side); float64")
    stft = librosa.stft(y, **LIBROSA_STFT)
    pspec = (np.abs(stft) ** 2.0).T
    out[f"librosa.{stem}.power_spectrum.first3.npy"] = (
        pspec[:3], "|librosa.stft(y, n_fft=256, win_length=200, hop_length=80, window='hann', "
                   "center=True, pad_mode='constant')|**2, frames 0..2 as rows, 129 bins; float32 "
                   "as produced (y = int16/32768 float32)")
    melspec = librosa.feature.melspectrogram(y=y, sr=SR, power=2.0, **LIBROSA_STFT,
                                             n_mels=26, fmin=0.0, fmax=4000.0, htk=False, norm="slaney")
    db = librosa.power_to_db(melspec, ref=1.0, amin=1e-10, top_db=80.0).T
    out[f"librosa.{stem}.log_mel_db.npy"] = (
        db, "power_to_db(melspectrogram, ref=1.0, amin=1e-10, top_db=80.0), all frames x 26: "
            "10*log10(max(1e-10, mel)), then max(., global max over the whole utterance - 80); "
            "the input of librosa's DCT; float32 as produced")

    # ---- python_speech_features ----
    s = x.astype(np.float64)
    fb = psf.get_filterbanks(nfilt=26, nfft=256, samplerate=SR, lowfreq=0, highfreq=4000)
    out["psf.mel_filterbank.26x129.npy"] = (
        fb, "python_speech_features.get_filterbanks(nfilt=26, nfft=256, samplerate=8000, lowfreq=0, "
            "highfreq=4000); float64; rows = filters, columns = FFT bins 0..128")
    out["psf.window.rectangular200.npy"] = (
        np.ones(200), "psf default winfunc: numpy.ones(200) (no window); the 200-sample frame is "
                      "zero-padded to 256 by numpy.fft.rfft(frame, 256)")
    frames = sigproc.framesig(sigproc.preemphasis(s, 0.97), 200, 80, lambda n: np.ones((n,)))
    ps = sigproc.powspec(frames, 256)
    out[f"psf.{stem}.power_spectrum.first3.npy"] = (
        ps[:3], "sigproc.powspec(framesig(preemphasis(int16 as float64, 0.97), 200, 80), 256) = "
                "|rfft(frame, 256)|^2 / 256, frames 0..2; float64")
    feat, energy = psf.fbank(s, samplerate=SR, winlen=0.025, winstep=0.01, nfilt=26, nfft=256,
                             lowfreq=0, highfreq=None, preemph=0.97)
    out[f"psf.{stem}.log_mel.npy"] = (
        np.log(feat), "numpy.log of psf.fbank(...) filterbank energies (zeros replaced by float64 "
                      "eps before the log), all frames x 26; the input of psf's DCT; float64")
    out[f"psf.{stem}.log_energy.npy"] = (
        np.log(energy)[:, None], "numpy.log(sum of the power-spectrum row) per frame (frames x 1): "
                                 "psf's appended energy, which replaces c0; float64")

    # ---- kaldi-native-fbank ----
    o = knf_mfcc_options()
    kmel = knf.MelBanks(o.mel_opts, o.frame_opts).get_matrix()
    out["kaldi.mel_filterbank.23x129.npy"] = (
        kmel, "knf.MelBanks(MfccOptions().mel_opts, frame_opts with samp_freq=8000).get_matrix(): "
              "23 triangles on the HTK mel scale 1127*ln(1+f/700), edges evenly spaced in mel from "
              "20 Hz to 4000 Hz, weights linear in mel (not Hz), computed only for FFT bins 0..127 "
              "(the Nyquist column 128 is always 0); float32 as produced")
    kwin = np.array(knf.FeatureWindowFunction(o.frame_opts).window)
    out["kaldi.window.povey200.npy"] = (
        kwin, "knf.FeatureWindowFunction(frame_opts).window: povey window "
              "(0.5 - 0.5*cos(2*pi*i/199))**0.85, i=0..199 (symmetric: divides by N-1); float32 "
              "as produced; the windowed 200 samples are zero-padded to 256 after windowing")
    fo = knf.FbankOptions()
    fo.frame_opts = o.frame_opts
    fo.mel_opts = o.mel_opts
    fo.use_energy = False
    fo.use_log_fbank = True
    fo.use_power = True
    fbk = knf.OnlineFbank(fo)
    fbk.accept_waveform(SR, x.astype(np.float32))
    fbk.input_finished()
    klog = np.stack([np.array(fbk.get_frame(i)) for i in range(fbk.num_frames_ready)])
    out[f"kaldi.{stem}.log_mel.npy"] = (
        klog, "knf.OnlineFbank with the MFCC preset's frame_opts and mel_opts, use_energy=False, "
              "use_log_fbank=True, use_power=True: ln(max(mel energy, FLT_EPSILON)), all frames x 23; "
              "the input of Kaldi's DCT (MfccComputer computes the same values); float32 as produced")
    wf, _ = kaldi_windowed_frames_numpy(x, 3)
    out[f"kaldi.{stem}.windowed_frames.first3.numpy_reconstruction.npy"] = (
        wf, "NOT from knf (it does not expose frames): float64 numpy re-implementation of knf's "
            "per-frame processing for frames 0..2 (DC removal per frame, pre-emphasis inside the "
            "frame with x[0] -= 0.97*x[0], povey window, zero padding to 256); verified against "
            "knf: see manifest 'checks'")
    kps = np.abs(np.fft.rfft(wf, 256, axis=1)) ** 2
    out[f"kaldi.{stem}.power_spectrum.first3.numpy_reconstruction.npy"] = (
        kps, "NOT from knf: |numpy.fft.rfft(windowed frame, 256)|^2 (no 1/N scaling) of the "
             "reconstructed frames 0..2, 129 bins; float64; ln(max(kaldi mel_filterbank @ this, "
             "FLT_EPSILON)) reproduces knf's log_mel rows to float32 accuracy (manifest 'checks')")
    return out


# --------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------
def version_of(module_name, dist_name):
    mod = importlib.import_module(module_name)
    v = getattr(mod, "__version__", None)
    if v is None:
        v = importlib.metadata.version(dist_name)
    return str(v)


def save64(path, a):
    a = np.asarray(a)
    assert a.dtype in (np.float32, np.float64), (path, a.dtype)
    b = np.ascontiguousarray(a, dtype=np.float64)
    assert np.array_equal(b.astype(a.dtype), a)  # lossless widening
    np.save(path, b)
    return b


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def rel(path):
    return os.path.relpath(path, FIXTURES)


LICENSE_MD = """# Audio fixtures: Free Spoken Digit Dataset (FSDD) recordings

The `.wav` files in this folder are unmodified byte copies of recordings from
the **Free Spoken Digit Dataset (FSDD)** by Zohar Jackson et al.

- Source: https://github.com/Jakobovski/free-spoken-digit-dataset
- DOI: [10.5281/zenodo.1342401](https://doi.org/10.5281/zenodo.1342401)
- Format: mono 16-bit PCM WAV at 8 kHz, trimmed to near-minimal silence.
- File names: `{digit}_{speaker}_{take}.wav`; speakers george, jackson, lucas, nicolas.

## License

These recordings are licensed under the **Creative Commons Attribution-ShareAlike
4.0 International License (CC BY-SA 4.0)**:
https://creativecommons.org/licenses/by-sa/4.0/

You may share and adapt them for any purpose, provided you give appropriate credit
(the attribution above), indicate if changes were made (none were), and distribute
any contributions built from them under the same license. Keep this notice with
any copy of these files.

The feature references derived from these recordings (`../references/`) are
adaptations of them and are distributed under the same license (CC BY-SA 4.0).
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fsdd", default=DEFAULT_FSDD, help="FSDD recordings folder")
    ap.add_argument("--check-w1", action="store_true",
                    help="also compare bit-for-bit with the peers' w1_features.py functions")
    args = ap.parse_args()

    # 1. Audio: select, verify the pinned list, copy.
    os.makedirs(AUDIO_DIR, exist_ok=True)
    if os.path.isdir(args.fsdd):
        reasons = select_stems(args.fsdd)
        if list(reasons) != STEMS:
            raise SystemExit(f"selection rule gives {list(reasons)}, pinned STEMS is {STEMS}: "
                             "the data folder changed; review before regenerating fixtures")
        for stem in STEMS:
            src = os.path.join(args.fsdd, stem + ".wav")
            dst = os.path.join(AUDIO_DIR, stem + ".wav")
            shutil.copyfile(src, dst)
            assert sha256(src) == sha256(dst)
        print(f"copied {len(STEMS)} WAVs from {args.fsdd}")
    else:
        reasons = {s: ["pinned (FSDD folder not available)"] for s in STEMS}
        missing = [s for s in STEMS if not os.path.exists(os.path.join(AUDIO_DIR, s + ".wav"))]
        if missing:
            raise SystemExit(f"no FSDD folder at {args.fsdd} and fixtures lack {missing}")
        print(f"FSDD folder not found; using the WAVs in {AUDIO_DIR}")
    with open(os.path.join(AUDIO_DIR, "LICENSE.md"), "w") as f:
        f.write(LICENSE_MD)

    versions = {
        "librosa": version_of("librosa", "librosa"),
        "python_speech_features": version_of("python_speech_features", "python_speech_features"),
        "kaldi_native_fbank": version_of("kaldi_native_fbank", "kaldi-native-fbank"),
        "numpy": version_of("numpy", "numpy"),
        "scipy": version_of("scipy", "scipy"),
        "soundfile": version_of("soundfile", "soundfile"),
        "python": platform.python_version(),
    }

    # 2. Features.
    for t in TOOLS:
        os.makedirs(os.path.join(REF_DIR, t), exist_ok=True)
    files = []
    produced_dtypes = {}
    for stem in STEMS:
        wav = os.path.join(AUDIO_DIR, stem + ".wav")
        x, sr = sf.read(wav, dtype="int16")
        assert sr == SR and x.ndim == 1, (stem, sr, x.shape)
        entry = dict(stem=stem, wav=rel(wav), sha256=sha256(wav), n_samples=int(len(x)),
                     duration_s=len(x) / SR, min_sample=int(x.min()), max_sample=int(x.max()),
                     reasons=reasons[stem], frames={}, outputs={})
        exp = expected_frames(len(x))
        for t in TOOLS:
            m13, f39 = FEATURE_FUNCS[t](x)
            produced_dtypes[t] = str(f39.dtype)
            assert m13.ndim == 2 and m13.shape[1] == 13 and f39.shape == (m13.shape[0], 39), (t, stem)
            assert np.array_equal(f39[:, :13], m13) and np.all(np.isfinite(f39)), (t, stem)
            assert m13.shape[0] == exp[t], (t, stem, m13.shape[0], exp[t])
            p39 = os.path.join(REF_DIR, t, stem + ".npy")
            p13 = os.path.join(REF_DIR, t, stem + ".mfcc13.npy")
            save64(p39, f39)
            save64(p13, m13)
            entry["frames"][t] = int(m13.shape[0])
            entry["outputs"][t] = dict(features39=rel(p39), mfcc13=rel(p13))
        y = x.astype(np.float32) / 32768.0
        import librosa
        db = librosa.power_to_db(librosa.feature.melspectrogram(
            y=y, sr=SR, power=2.0, **LIBROSA_STFT, n_mels=26, fmin=0.0, fmax=4000.0,
            htk=False, norm="slaney"), ref=1.0, amin=1e-10, top_db=None)
        entry["notes"] = dict(
            librosa_top_db_clipped_cells=int(np.sum(db < db.max() - 80.0)),
            psf_zero_padding_samples=int((exp["psf"] - 1) * 80 + 200 - len(x)) if len(x) > 200 else 200 - len(x),
            kaldi_unused_tail_samples=int(len(x) - ((exp["kaldi"] - 1) * 80 + 200)),
        )
        files.append(entry)

    # 3. Intermediates for one file.
    os.makedirs(INTER_DIR, exist_ok=True)
    x0, _ = sf.read(os.path.join(AUDIO_DIR, INTERMEDIATE_STEM + ".wav"), dtype="int16")
    inter = intermediates(x0)
    inter_manifest = {}
    for name, (arr, desc) in inter.items():
        p = os.path.join(INTER_DIR, name)
        b = save64(p, arr)
        inter_manifest[name] = dict(path=rel(p), shape=list(b.shape), dtype_as_produced=str(np.asarray(arr).dtype),
                                    description=desc)

    # 4. Consistency checks of the intermediates against the tools' own outputs.
    checks = consistency_checks(x0, inter)
    if args.check_w1:
        checks["w1_bit_identical"] = check_against_w1(args.fsdd)

    manifest = dict(
        description="Reference MFCC features for HMMKitFeatures' three presets, as produced by the "
                    "reference tools. All arrays float64, C order, rows = frames (filterbanks: rows = "
                    "bands). float32 tool outputs are widened losslessly, never rounded.",
        generated_by="Tools/references/make_feature_references.py",
        regenerate="bash /work/shared/peers/setup.sh && ~/.cache/hmmkit-peers-venv/bin/python "
                   "Tools/references/make_feature_references.py",
        paths_relative_to="Tests/HMMKitFeaturesTests/Fixtures",
        layout={
            "{tool}/{stem}.npy": "frames x 39 = [mfcc13, delta, delta-delta]",
            "{tool}/{stem}.mfcc13.npy": "frames x 13 static MFCCs (== first 13 columns of the 39-dim file)",
            "intermediate/*.npy": "see 'intermediate'",
        },
        tools={
            "librosa": dict(package="librosa", version=versions["librosa"], dtype_as_produced=produced_dtypes["librosa"],
                            params_key="librosa",
                            feature_calls="librosa.feature.mfcc(y=int16/32768 float32, **params.librosa.mfcc); "
                                          "librosa.feature.delta(m, width=5, order=1), (m, width=5, order=2)"),
            "psf": dict(package="python_speech_features", version=versions["python_speech_features"],
                        dtype_as_produced=produced_dtypes["psf"], params_key="python_speech_features",
                        feature_calls="psf.mfcc(int16 as float64, **params); d1 = psf.delta(m, 2); d2 = psf.delta(d1, 2)"),
            "kaldi": dict(package="kaldi-native-fbank", version=versions["kaldi_native_fbank"],
                          dtype_as_produced=produced_dtypes["kaldi"], params_key="kaldi_native_fbank",
                          feature_calls="knf.OnlineMfcc(opts).accept_waveform(8000, int16 as float32); input_finished(); "
                                        "knf.compute_deltas(DeltaOptions(order=2, window=2), m)"),
        },
        versions=versions,
        parameters=PARAMS,
        frame_count_formulas={
            "librosa": "1 + n // 80 (center=True: 128 zeros on each side; frame t is centred on sample 80 t)",
            "psf": "1 + ceil((n - 200) / 80) for n > 200, else 1; the signal is zero-padded at the end to "
                   "(frames - 1) * 80 + 200 samples; frame t starts at sample 80 t",
            "kaldi": "1 + (n - 200) // 80 for n >= 200, else 0 (snip_edges=True); frame t = samples "
                     "[80 t, 80 t + 200); trailing samples that do not fill a frame are dropped",
        },
        selection_rule=SELECTION_RULE,
        intermediate_stem=INTERMEDIATE_STEM,
        files=files,
        intermediate=inter_manifest,
        checks=checks,
    )
    with open(os.path.join(REF_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")

    # 5. Reload everything and summarize.
    total = 0
    n_npy = 0
    for root, _, fs in os.walk(FIXTURES):
        for fn in fs:
            p = os.path.join(root, fn)
            total += os.path.getsize(p)
            if fn.endswith(".npy"):
                a = np.load(p)
                assert a.dtype == np.float64 and a.flags.c_contiguous and np.all(np.isfinite(a)), p
                n_npy += 1
    print(f"{n_npy} .npy files reload as finite float64 C-order; Fixtures/ total {total / 1e6:.3f} MB")
    print(f"versions: {versions}")
    print("checks:", json.dumps(checks))
    print(f"{'stem':16s} {'samples':>7s} " + " ".join(f"{t:>8s}" for t in TOOLS))
    for e in files:
        if e["stem"] in REQUIRED:
            print(f"{e['stem']:16s} {e['n_samples']:7d} " + " ".join(f"{e['frames'][t]:8d}" for t in TOOLS))


def consistency_checks(x, inter):
    """Max abs differences that tie the intermediates to the stored features."""
    import scipy.fft
    stem = INTERMEDIATE_STEM
    m_l, _ = feat_librosa(x)
    m_p, _ = feat_psf(x)
    m_k, _ = feat_kaldi(x)
    res = {}
    db = inter[f"librosa.{stem}.log_mel_db.npy"][0]
    res["librosa: dct_ortho(log_mel_db)[:13] vs mfcc13"] = float(np.abs(
        scipy.fft.dct(db, type=2, norm="ortho", axis=1)[:, :13] - m_l).max())
    mel = inter["librosa.mel_filterbank.26x129.npy"][0]
    ps = inter[f"librosa.{stem}.power_spectrum.first3.npy"][0]
    res["librosa: 10*log10(mel @ power_spectrum) vs log_mel_db, first 3 frames"] = float(np.abs(
        10 * np.log10(np.maximum(1e-10, ps.astype(np.float64) @ mel.T.astype(np.float64))) - db[:3]).max())
    lm = inter[f"psf.{stem}.log_mel.npy"][0]
    lift = 1 + 11.0 * np.sin(np.pi * np.arange(13) / 22)
    c = scipy.fft.dct(lm, type=2, norm="ortho", axis=1)[:, :13] * lift
    res["psf: lifter(dct_ortho(log_mel))[1:13] vs mfcc13[:, 1:]"] = float(np.abs(c[:, 1:] - m_p[:, 1:]).max())
    res["psf: log_energy vs mfcc13[:, 0]"] = float(np.abs(inter[f"psf.{stem}.log_energy.npy"][0][:, 0] - m_p[:, 0]).max())
    fb = inter["psf.mel_filterbank.26x129.npy"][0]
    pps = inter[f"psf.{stem}.power_spectrum.first3.npy"][0]
    res["psf: log(power_spectrum @ filterbank.T) vs log_mel, first 3 frames"] = float(np.abs(
        np.log(pps @ fb.T) - lm[:3]).max())
    kl = inter[f"kaldi.{stem}.log_mel.npy"][0].astype(np.float64)
    kl_lift = 1 + 11.0 * np.sin(np.pi * np.arange(13) / 22)
    kc = scipy.fft.dct(kl, type=2, norm="ortho", axis=1)[:, :13] * kl_lift
    res["kaldi: lifter(dct_ortho(log_mel))[1:13] vs mfcc13[:, 1:]"] = float(np.abs(kc[:, 1:] - m_k[:, 1:]).max())
    _, rle = kaldi_windowed_frames_numpy(x, m_k.shape[0])
    res["kaldi: numpy raw log energy (after DC removal, before pre-emphasis) vs mfcc13[:, 0]"] = float(
        np.abs(rle - m_k[:, 0]).max())
    kps = inter[f"kaldi.{stem}.power_spectrum.first3.numpy_reconstruction.npy"][0]
    kmel = inter["kaldi.mel_filterbank.23x129.npy"][0].astype(np.float64)
    res["kaldi: ln(max(mel @ reconstructed power_spectrum, FLT_EPS)) vs knf log_mel, first 3 frames"] = float(
        np.abs(np.log(np.maximum(kps @ kmel.T, np.finfo(np.float32).eps)) - kl[:3]).max())
    return res


def check_against_w1(fsdd_dir):
    """Import the peers' w1_features.py and compare its feature functions bit for bit."""
    sys.dont_write_bytecode = True  # leave the peers folder untouched
    sys.path.insert(0, PEERS_DIR)
    w1 = importlib.import_module("w1_features")
    assert w1.PARAMS == PARAMS, "PARAMS differ from w1_features.PARAMS"
    ours = {"librosa": feat_librosa, "psf": feat_psf, "kaldi": feat_kaldi}
    theirs = {"librosa": w1.feat_librosa, "psf": w1.feat_psf, "kaldi": w1.feat_knf}
    out = {}
    for stem in w1.KEEP:
        x, _ = sf.read(os.path.join(AUDIO_DIR, stem + ".wav"), dtype="int16")
        for t in TOOLS:
            a, b = ours[t](x), theirs[t](x)
            same = all(np.array_equal(np.asarray(p), np.asarray(q)) and np.asarray(p).dtype == np.asarray(q).dtype
                       for p, q in zip(a, b))
            assert same, f"{t} {stem}: differs from w1"
            out[f"{t}/{stem}"] = True
    return out


if __name__ == "__main__":
    main()
