"""pytest plugin: hmmlearn's and scikit-learn's own tests, run against hmmkit's classes.

Loaded with `-p hmmkit_substitute` before any test module is imported, it replaces
`hmmlearn.hmm.GaussianHMM` / `GMMHMM`, `hmmlearn.base.BaseHMM` / `ConvergenceMonitor` and
`sklearn.mixture.GaussianMixture` by hmmkit's, so that the installed test files, which import
those names, exercise hmmkit. Nothing else of either package is touched.
"""
import hmmlearn.base
import hmmlearn.hmm
import sklearn.mixture

import hmmkit.base
import hmmkit.hmm
import hmmkit.mixture

hmmlearn.hmm.GaussianHMM = hmmkit.hmm.GaussianHMM
hmmlearn.hmm.GMMHMM = hmmkit.hmm.GMMHMM
hmmlearn.base.BaseHMM = hmmkit.base.BaseHMM
hmmlearn.base.ConvergenceMonitor = hmmkit.base.ConvergenceMonitor
sklearn.mixture.GaussianMixture = hmmkit.mixture.GaussianMixture


def pytest_report_header(config):
    return "hmmkit_substitute: hmmlearn.hmm.GaussianHMM/GMMHMM, hmmlearn.base.BaseHMM/ConvergenceMonitor, " \
           "sklearn.mixture.GaussianMixture are hmmkit's"
