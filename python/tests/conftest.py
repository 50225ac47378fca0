"""Shared data for hmmkit's tests: seeded synthetic sequences and models."""
import numpy as np
import pytest


@pytest.fixture
def sequences():
    """Five sequences of 3-dimensional frames from three well-separated states."""
    rng = np.random.RandomState(7)
    means = np.array([[0.0, 0.0, 0.0], [4.0, 4.0, 0.0], [0.0, 4.0, 4.0]])
    frames, lengths = [], []
    for length in (60, 80, 50, 70, 40):
        states = np.repeat(np.arange(3), length // 3 + 1)[:length]
        frames.append(means[states] + rng.randn(length, 3))
        lengths.append(length)
    return np.vstack(frames), lengths
