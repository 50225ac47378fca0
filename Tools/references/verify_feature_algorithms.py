"""Executable specification of the three MFCC presets, checked against the fixtures.

What
----
Re-implements each reference tool's MFCC + delta + delta-delta pipeline in
plain float64 numpy (no librosa / python_speech_features / kaldi-native-fbank
calls; only the filterbank matrices are rebuilt from their formulas too), runs
it on the fixture WAVs and prints the largest deviation from the stored
reference features, per tool and per block (mfcc, delta, delta-delta).

It is a readable, tested description of what the Swift presets must compute
(framing, padding, pre-emphasis, windows, mel scales, log floors, DCT, lifter,
energy, delta edge rules).  The residual deviations are the tools' float32
arithmetic (librosa, kaldi) or last-bit float64 differences (psf).

How to run
----------
    ~/.cache/hmmkit-peers-venv/bin/python Tools/references/verify_feature_algorithms.py

after make_feature_references.py (it reads Fixtures/audio and
Fixtures/references).  Needs only numpy, scipy (DCT) and soundfile.
Versions: written against librosa 0.11.0, python_speech_features 0.6,
kaldi-native-fbank 1.23.0 (the fixtures' tools; see the manifest).
"""
import json
import math
import os

import numpy as np
import scipy.fft
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "Tests", "HMMKitFeaturesTests", "Fixtures"))
SR = 8000
FLT_EPS = float(np.finfo(np.float32).eps)


# ---------------------------------------------------------------- librosa ----
def slaney_hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    lin = f / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(f, 1e-300) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log, lin)


def slaney_mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), (200.0 / 3) * m)


def librosa_mel_matrix(n_mels=26, n_fft=256, fmin=0.0, fmax=4000.0):
    fft_f = np.linspace(0, SR / 2, 1 + n_fft // 2)
    mel_f = slaney_mel_to_hz(np.linspace(slaney_hz_to_mel(fmin), slaney_hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_f[None, :]
    w = np.zeros((n_mels, len(fft_f)))
    for i in range(n_mels):
        w[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    w *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]            # Slaney area normalization
    return w


def savgol_delta(m, order):
    """librosa.feature.delta(width=5, order, mode='interp') along frames (rows).
    Interior: order 1 -> [-2,-1,0,1,2]/10; order 2 -> [2,-1,-2,-1,2]/7 (second derivative
    of the least-squares quadratic over 5 frames).  Edges ('interp'): the polynomial
    fitted to the first / last 5 frames is evaluated there; for these orders the
    derivative is constant over the window, so rows 0,1 equal row 2 and rows T-2,T-1
    equal row T-3."""
    k = np.array([-2, -1, 0, 1, 2]) / 10.0 if order == 1 else np.array([2, -1, -2, -1, 2]) / 7.0
    T = m.shape[0]
    out = np.empty_like(m)
    for t in range(2, T - 2):
        out[t] = k @ m[t - 2:t + 3]
    out[:2] = out[2]
    out[T - 2:] = out[T - 3]
    return out


def librosa_pipeline(x):
    y = x.astype(np.float64) / 32768.0
    n = len(y)
    yp = np.concatenate([np.zeros(128), y, np.zeros(128)])          # center=True, constant
    T = 1 + n // 80
    win = np.zeros(256)
    win[28:228] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(200) / 200)   # periodic hann, centred
    frames = np.stack([yp[80 * t: 80 * t + 256] for t in range(T)]) * win
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    mel = power @ librosa_mel_matrix().T
    db = 10.0 * np.log10(np.maximum(1e-10, mel))
    db = np.maximum(db, db.max() - 80.0)                              # top_db over the whole utterance
    c = scipy.fft.dct(db, type=2, norm="ortho", axis=1)[:, :13]
    return np.hstack([c, savgol_delta(c, 1), savgol_delta(c, 2)])


# -------------------------------------------------- python_speech_features ----
def psf_filterbank(nfilt=26, nfft=256, low=0.0, high=4000.0):
    hz2mel = lambda f: 2595.0 * np.log10(1 + f / 700.0)
    mel2hz = lambda m: 700.0 * (10 ** (m / 2595.0) - 1)
    b = np.floor((nfft + 1) * mel2hz(np.linspace(hz2mel(low), hz2mel(high), nfilt + 2)) / SR)
    fb = np.zeros((nfilt, nfft // 2 + 1))
    for j in range(nfilt):
        for i in range(int(b[j]), int(b[j + 1])):
            fb[j, i] = (i - b[j]) / (b[j + 1] - b[j])
        for i in range(int(b[j + 1]), int(b[j + 2])):
            fb[j, i] = (b[j + 2] - i) / (b[j + 2] - b[j + 1])
    return fb


def edge_delta(m, N=2):
    """psf.delta: sum_n n (c[t+n] - c[t-n]) / (2 sum n^2), frames beyond the ends = edge frame."""
    T = m.shape[0]
    p = np.concatenate([np.repeat(m[:1], N, 0), m, np.repeat(m[-1:], N, 0)])
    k = np.arange(-N, N + 1) / (2.0 * sum(i * i for i in range(1, N + 1)))
    return np.stack([k @ p[t:t + 2 * N + 1] for t in range(T)])


def psf_pipeline(x):
    s = x.astype(np.float64)
    s = np.append(s[0], s[1:] - 0.97 * s[:-1])                        # whole-signal pre-emphasis
    n = len(s)
    T = 1 if n <= 200 else 1 + math.ceil((n - 200) / 80)
    s = np.concatenate([s, np.zeros((T - 1) * 80 + 200 - n)])         # zero-pad the end
    frames = np.stack([s[80 * t: 80 * t + 200] for t in range(T)])   # rectangular window
    power = np.abs(np.fft.rfft(frames, 256, axis=1)) ** 2 / 256.0
    energy = power.sum(1)
    energy = np.where(energy == 0, np.finfo(float).eps, energy)
    fe = power @ psf_filterbank().T
    fe = np.where(fe == 0, np.finfo(float).eps, fe)
    c = scipy.fft.dct(np.log(fe), type=2, norm="ortho", axis=1)[:, :13]
    c *= 1 + 11.0 * np.sin(np.pi * np.arange(13) / 22.0)             # lifter 22
    c[:, 0] = np.log(energy)                                          # appendEnergy
    d1 = edge_delta(c)
    return np.hstack([c, d1, edge_delta(d1)])                         # delta of delta


# ------------------------------------------------------ kaldi-native-fbank ----
def kaldi_mel_matrix(num_bins=23, low=20.0, high=4000.0, n_fft=256):
    mel = lambda f: 1127.0 * np.log(1 + f / 700.0)
    ml, mh = mel(low), mel(high)
    d = (mh - ml) / (num_bins + 1)
    w = np.zeros((num_bins, n_fft // 2 + 1))
    fm = mel(np.arange(n_fft // 2) * SR / n_fft)                      # bins 0..127: no Nyquist bin
    for b in range(num_bins):
        l, c, r = ml + b * d, ml + (b + 1) * d, ml + (b + 2) * d
        inside = (fm > l) & (fm < r)
        up = (fm - l) / (c - l)
        down = (r - fm) / (r - c)
        w[b, :n_fft // 2] = np.where(inside, np.where(fm <= c, up, down), 0.0)
    return w


def kaldi_deltas(m):
    """Kaldi add-deltas (order 2, window 2): order-1 filter k1 = [-2..2]/10; order-2 filter
    = k1 convolved with itself (9 taps, [4,4,1,-4,-10,-4,1,4,4]/100), both applied to the
    STATIC features with frame indices clamped to [0, T-1]."""
    k1 = np.arange(-2, 3) / 10.0
    k2 = np.convolve(k1, k1)
    T = m.shape[0]

    def apply(k):
        h = len(k) // 2
        idx = np.clip(np.arange(T)[:, None] + np.arange(-h, h + 1)[None, :], 0, T - 1)
        return np.einsum("j,tjd->td", k, m[idx])
    return np.hstack([m, apply(k1), apply(k2)])


def kaldi_pipeline(x):
    s = x.astype(np.float64)
    n = len(s)
    T = 0 if n < 200 else 1 + (n - 200) // 80                          # snip_edges=True
    i = np.arange(200)
    win = (0.5 - 0.5 * np.cos(2 * np.pi * i / 199)) ** 0.85            # povey (symmetric)
    lift = 1 + 11.0 * np.sin(np.pi * np.arange(13) / 22.0)
    fb = kaldi_mel_matrix()
    out = np.zeros((T, 13))
    for t in range(T):
        w = s[80 * t: 80 * t + 200].copy()
        w -= w.mean()                                                  # remove_dc_offset
        log_e = np.log(max(w @ w, FLT_EPS))                            # raw energy, before pre-emphasis
        p = np.empty(200)
        p[1:] = w[1:] - 0.97 * w[:-1]
        p[0] = w[0] - 0.97 * w[0]                                      # per-frame pre-emphasis
        power = np.abs(np.fft.rfft(p * win, 256)) ** 2
        lm = np.log(np.maximum(power @ fb.T, FLT_EPS))
        c = scipy.fft.dct(lm, type=2, norm="ortho")[:13] * lift
        c[0] = log_e                                                   # use_energy, raw_energy
        out[t] = c
    return kaldi_deltas(out)


PIPELINES = {"librosa": librosa_pipeline, "psf": psf_pipeline, "kaldi": kaldi_pipeline}


def main():
    with open(os.path.join(FIXTURES, "references", "manifest.json")) as f:
        man = json.load(f)
    inter = os.path.join(FIXTURES, "references", "intermediate")
    fb_checks = {
        "librosa": (librosa_mel_matrix(), "librosa.mel_filterbank.26x129.npy"),
        "psf": (psf_filterbank(), "psf.mel_filterbank.26x129.npy"),
        "kaldi": (kaldi_mel_matrix(), "kaldi.mel_filterbank.23x129.npy"),
    }
    for t, (mine, name) in fb_checks.items():
        print(f"{t:8s} filterbank max |numpy - tool| = {np.abs(mine - np.load(os.path.join(inter, name))).max():.2e}")
    for t, fn in PIPELINES.items():
        worst = np.zeros(3)
        worst_rel = np.zeros(3)
        for e in man["files"]:
            x, _ = sf.read(os.path.join(FIXTURES, e["wav"]), dtype="int16")
            ref = np.load(os.path.join(FIXTURES, e["outputs"][t]["features39"]))
            got = fn(x)
            assert got.shape == ref.shape, (t, e["stem"], got.shape, ref.shape)
            for b in range(3):
                d = np.abs(got[:, 13 * b:13 * b + 13] - ref[:, 13 * b:13 * b + 13])
                worst[b] = max(worst[b], d.max())
                scale = np.abs(ref[:, 13 * b:13 * b + 13]).max()
                worst_rel[b] = max(worst_rel[b], d.max() / scale)
        print(f"{t:8s} {len(man['files'])} files, max |numpy float64 - reference|: "
              f"mfcc {worst[0]:.2e}  delta {worst[1]:.2e}  delta2 {worst[2]:.2e}   "
              f"(relative to the block's max |value|: {worst_rel[0]:.1e} {worst_rel[1]:.1e} {worst_rel[2]:.1e})")


if __name__ == "__main__":
    main()
