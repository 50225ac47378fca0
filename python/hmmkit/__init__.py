"""HMMKit from Python: hmmlearn's and scikit-learn's models on HMMKit's engine.

``import hmmkit.hmm as hmm`` in place of ``from hmmlearn import hmm``;
``from hmmkit.mixture import GaussianMixture`` in place of scikit-learn's;
``hmmkit.feature.mfcc`` for the MFCC front end; ``hmmkit.load`` / ``hmmkit.save`` for the
model files the ``hmmkit`` command line reads and writes.
"""
from . import base, feature, hmm, mixture  # noqa: F401
from .files import load, save  # noqa: F401

__version__ = "0.1.0"
