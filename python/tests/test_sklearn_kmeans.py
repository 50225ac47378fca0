"""The default k-means of hmmkit.hmm (``_sklearn_kmeans``: scikit-learn's KMeans computed by the
engine, drawing from the caller's RandomState) against scikit-learn's own KMeans.

Tolerances: labels equal; centres within 1e-10 relative (both sum the same frames in the same
order, so they agree to rounding in the GEMM-based distances, which decide nothing here);
inertia within 1e-10 (float64) or 1e-6 (float32, summed in float32 by both); the RandomState
left in the same state (its next draw is equal). Data are continuous (no two distances tie
exactly): exact ties are decided by BLAS rounding, which the engine does not promise to copy
(see ``hmmkit_sklearn_kmeans`` in hmmkit.h).
"""
import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import hmmkit.hmm
from hmmkit.hmm import _kmeans, _sklearn_kmeans

hmmlearn_hmm = pytest.importorskip("hmmlearn.hmm")


@pytest.fixture(autouse=True)
def one_openmp_thread():
    """scikit-learn's references with one OpenMP thread, the run the engine reproduces: with more,
    its Lloyd steps add per-thread partial sums, which moves float32 centres by an ulp."""
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def blobs(seed, n, d, dtype, duplicated=False):
    """n frames around 4 random centres; with ``duplicated``, a third of them repeated rows."""
    rng = np.random.RandomState(seed)
    X = rng.randn(4, d)[rng.randint(4, size=n)] * 3 + rng.randn(n, d)
    if duplicated:
        X[: n // 3] = X[rng.randint(n // 3, n, size=n // 3)]
    return X.astype(dtype)


def assert_same_fit(ours, reference, dtype):
    centres, labels, inertia, n_iter = ours
    np.testing.assert_array_equal(labels, reference.labels_)
    assert centres.dtype == reference.cluster_centers_.dtype
    np.testing.assert_allclose(centres, reference.cluster_centers_, rtol=1e-10, atol=0)
    assert inertia == pytest.approx(reference.inertia_, rel=1e-10 if dtype == np.float64 else 1e-6)
    assert n_iter == reference.n_iter_


def fit_both(X, k, make_state):
    """(ours, scikit-learn's, next draw after ours, next draw after scikit-learn's)."""
    draws = []
    fits = []
    for run in ("ours", "scikit-learn"):
        random_state = make_state()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            if run == "ours":
                fits.append(_sklearn_kmeans(X, k, random_state))
            else:
                fits.append(KMeans(n_clusters=k, random_state=random_state, n_init=10).fit(X))
        generator = np.random.mtrand._rand if random_state is None else random_state
        draws.append(generator.random_sample() if isinstance(generator, np.random.RandomState) else None)
    return fits[0], fits[1], draws[0], draws[1]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("k", range(1, 9))
@pytest.mark.parametrize("shape", [(300, 2), (1000, 13), (257, 1)])
def test_int_seed_gives_scikit_learns_clustering(dtype, k, shape):
    X = blobs(k, *shape, dtype)
    ours, reference, _, _ = fit_both(X, k, lambda: 11 * k)
    assert_same_fit(ours, reference, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["RandomState", "None"])
def test_random_state_is_advanced_as_scikit_learn_advances_it(dtype, kind):
    X = blobs(5, 500, 3, dtype, duplicated=True)

    def make_state():
        if kind == "None":
            np.random.seed(1234)
            return None
        return np.random.RandomState(99)

    ours, reference, our_draw, their_draw = fit_both(X, 5, make_state)
    assert_same_fit(ours, reference, dtype)
    assert our_draw == their_draw


def test_integer_data_and_repeated_calls_on_one_state():
    X = np.round(blobs(3, 400, 4, np.float64) * 1000).astype(np.int64) + np.arange(400)[:, None] * 7
    ours_state, their_state = np.random.RandomState(3), np.random.RandomState(3)
    for k in (2, 3, 6):  # each call continues the stream, as hmmlearn's per-state calls do
        ours = _sklearn_kmeans(X, k, ours_state)
        reference = KMeans(n_clusters=k, random_state=their_state, n_init=10).fit(X)
        assert ours[0].dtype == np.float64
        assert_same_fit(ours, reference, np.float64)
    assert ours_state.random_sample() == their_state.random_sample()


def test_empty_clusters_with_fewer_distinct_points_than_clusters():
    # k-means++ must repeat a point, so Lloyd steps leave clusters empty with every frame on a
    # centre: scikit-learn then relocates nothing and gives each empty cluster the centre of the
    # heaviest one, and warns. (Relocation to the farthest frames is tested in Swift against a
    # worked example: with continuous data Lloyd steps from k-means++ seeds did not empty a
    # cluster in 240 seeded trials, and with duplicated frames the farthest frames tie.)
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 1.0], [1.0, 7.0]]), [10, 7, 4], axis=0)
    with pytest.warns(ConvergenceWarning, match=r"Number of distinct clusters \(3\) found smaller than n_clusters \(5\)"):
        ours = _sklearn_kmeans(X, 5, 0)
    with pytest.warns(ConvergenceWarning):
        reference = KMeans(n_clusters=5, random_state=0, n_init=10).fit(X)
    assert_same_fit(ours, reference, np.float64)


def test_scikit_learns_errors():
    X = np.random.RandomState(0).randn(5, 2)
    with pytest.raises(ValueError, match=r"n_samples=5 should be >= n_clusters=6\."):
        _kmeans(X, 6, 0, "scikit-learn")
    with pytest.raises(ValueError, match="n_clusters"):
        _sklearn_kmeans(X, 0, 0)
    with pytest.raises(ValueError, match="NaN"):
        _sklearn_kmeans(np.array([[0.0], [np.nan], [1.0]]), 2, 0)
    with pytest.raises(ValueError):
        _sklearn_kmeans(X, 2, np.random.default_rng(0))  # check_random_state takes no Generator


def test_engine_rejects_a_bad_stream_position():
    from hmmkit import _native
    X = np.ascontiguousarray(np.random.RandomState(0).randn(20, 2))
    key = np.zeros(624, dtype=np.uint32)
    position = _native.ctypes.c_int64(625)
    centres = np.empty((2, 2))
    with pytest.raises(ValueError, match="position must be between 0 and 624"):
        _native.call("hmmkit_sklearn_kmeans", _native.FLOAT64, _native.pointer(X), 20, 2, 2, 10, 300, 1e-4,
                     _native.pointer(key), _native.ctypes.byref(position), _native.pointer(centres), None, None, None,
                     1)
    assert position.value == 625


def test_gmmhmm_with_random_state_0_fits_hmmlearns_model(sequences):
    X, lengths = sequences
    options = dict(n_components=3, n_mix=2, covariance_type="diag", n_iter=5, tol=-np.inf, random_state=0)
    ours, theirs = hmmkit.hmm.GMMHMM(**options), hmmlearn_hmm.GMMHMM(**options)
    assert ours.kmeans == "scikit-learn"
    ours.fit(X, lengths)
    theirs.fit(X, lengths)
    # The package's tolerance for fits from equal starts (test_agreement.py).
    for name in ["startprob_", "transmat_", "weights_", "means_", "covars_"]:
        ours_value, theirs_value = getattr(ours, name), getattr(theirs, name)
        assert np.max(np.abs(ours_value - theirs_value)) <= 1e-8 * np.max(np.abs(theirs_value)), name
    assert ours.score(X, lengths) == pytest.approx(theirs.score(X, lengths), rel=1e-8)
