"""The engine's k-means (``GMMHMM.kmeans = "hmmkit"``, the fast initialisation) against
scikit-learn's KMeans, and the initialisation it gives."""
import numpy as np
import pytest
from sklearn.cluster import KMeans

import hmmkit.hmm as hmm
from hmmkit.hmm import _kmeans


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_separated_clusters_give_scikit_learns_partition_and_centres(dtype):
    rng = np.random.RandomState(0)
    centres = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 5.0], [0.0, 10.0, -5.0], [10.0, 10.0, 10.0]])
    X = (centres[rng.randint(4, size=800)] + rng.randn(800, 3)).astype(dtype)
    ours, labels = _kmeans(X, 4, 0, "hmmkit")
    reference = KMeans(n_clusters=4, n_init=10, random_state=0).fit(X)
    order = [int(np.argmin(((reference.cluster_centers_ - c) ** 2).sum(axis=1))) for c in ours]
    assert sorted(order) == [0, 1, 2, 3] and ours.dtype == dtype
    # The same partition, so the same means (to the rounding of the sums' order).
    assert np.array_equal(np.array(order)[labels], reference.labels_)
    if dtype == np.float64:
        np.testing.assert_allclose(ours, reference.cluster_centers_[order], rtol=1e-12, atol=1e-14)
    else:  # float32 sums of ~200 frames of size 10, in different orders
        np.testing.assert_allclose(ours, reference.cluster_centers_[order], rtol=1e-5, atol=1e-4)


def test_seeded_runs_repeat_and_bad_sizes_raise():
    X = np.random.RandomState(1).randn(50, 2)
    assert np.array_equal(_kmeans(X, 3, 7, "hmmkit")[0], _kmeans(X, 3, 7, "hmmkit")[0])
    with pytest.raises(ValueError, match="n_samples=2 should be >= n_clusters=3"):
        _kmeans(X[:2], 3, 0, "hmmkit")
    with pytest.raises(ValueError, match="kmeans must be one of"):
        _kmeans(X, 3, 0, "fastest")


def test_fast_initialisation_finds_the_states_scikit_learn_finds(sequences):
    X, lengths = sequences
    means = {}
    for kmeans in ("hmmkit", "scikit-learn"):
        model = hmm.GaussianHMM(n_components=3, random_state=0)
        model.kmeans = kmeans
        model._init(X, lengths)
        means[kmeans] = model.means_[np.lexsort(model.means_.T)]
    # Three well-separated states: both k-means find the same partition, so the same means.
    np.testing.assert_allclose(means["hmmkit"], means["scikit-learn"], rtol=1e-12, atol=1e-14)
