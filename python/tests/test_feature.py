"""hmmkit.feature.mfcc against python_speech_features on a bundled FSDD recording."""
import os
import wave

import numpy as np
import pytest

from hmmkit import feature

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECORDING = os.path.join(ROOT, "Data", "fsdd-demo", "3_jackson_7.wav")


def read_int16(path):
    with wave.open(path) as f:
        return np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.float64), f.getframerate()


def test_psf_preset_matches_python_speech_features():
    psf = pytest.importorskip("python_speech_features")
    samples, rate = read_int16(RECORDING)
    statics = psf.mfcc(samples, samplerate=rate, winlen=0.025, winstep=0.01, numcep=13, nfilt=26, nfft=256,
                       preemph=0.97, ceplifter=22, appendEnergy=True)
    d1 = psf.delta(statics, 2)
    reference = np.hstack([statics, d1, psf.delta(d1, 2)])
    ours = feature.mfcc(samples / 32768, samplerate=rate, preset="psf")
    assert np.array_equal(feature.mfcc(samples.astype(np.int16), samplerate=rate, preset="psf"), ours)
    assert ours.shape == reference.shape
    assert np.max(np.abs(ours - reference)) / np.max(np.abs(reference)) < 1e-9
    assert np.max(np.abs(feature.delta(statics, 2) - d1)) < 1e-12


def test_mfcc_shapes_dtypes_and_errors():
    samples, rate = read_int16(RECORDING)
    single = feature.mfcc(samples, rate, preset="kaldi", dtype=np.float32)
    assert single.dtype == np.float32 and single.shape[1] == 39
    assert feature.mfcc(samples, rate, numcep=20, deltas=0).shape[1] == 20
    assert feature.mfcc(samples[:10], rate).shape[0] in (0, 1)
    with pytest.raises(ValueError):
        feature.mfcc(samples, rate, preset="htk")
    with pytest.raises(ValueError):
        feature.mfcc(np.full(100, np.nan), rate)
    with pytest.raises(ValueError):
        feature.mfcc(samples.reshape(-1, 1)[:, :1].T.reshape(1, -1).repeat(2, 0), rate)
