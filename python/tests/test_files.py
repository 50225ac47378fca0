"""hmmkit.load / hmmkit.save: HMMKit's model files shared with the command line.

Round trips must give the same bits; files written by the command line (committed fixtures made
by fixtures/make_cli_fixtures.py, and, when the `hmmkit` executable is available, files made in
the test) must load with the file's values and score as the command line scores; damaged files
must raise OSError / ValueError naming the file, never crash.
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from hmmlearn import hmm as hmmlearn_hmm
from sklearn.mixture import GaussianMixture as SKLearnGaussianMixture

import hmmkit
import hmmkit.hmm as hmm
from hmmkit.mixture import GaussianMixture

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
sys.path.insert(0, FIXTURES)
from make_cli_fixtures import sequences as cli_sequences, write_sequences  # noqa: E402

COVARIANCE_TYPES = ["diag", "spherical", "full", "tied"]


def _cli():
    """The `hmmkit` executable: $HMMKIT_CLI (scripts/python-check sets it), else one on PATH."""
    return os.environ.get("HMMKIT_CLI") or shutil.which("hmmkit")


needs_cli = pytest.mark.skipif(_cli() is None, reason="no hmmkit executable (set HMMKIT_CLI)")


def _run(*arguments):
    return json.loads(subprocess.run([_cli(), *arguments], check=True, capture_output=True, text=True).stdout)


def _hmm_parameters(model):
    names = ["startprob_", "transmat_", "means_", "covars_"] + (["weights_"] if hasattr(model, "n_mix") else [])
    return {name: np.asarray(getattr(model, name)) for name in names}


def _assert_same_bits(expected, actual):
    assert expected.keys() == actual.keys()
    for name in expected:
        assert expected[name].shape == actual[name].shape, name
        assert np.array_equal(expected[name], actual[name]), name


def _fitted(kind, covariance_type, sequences):
    X, lengths = sequences
    if kind == "gaussian":
        model = hmm.GaussianHMM(n_components=3, covariance_type=covariance_type, n_iter=5, random_state=0)
    else:
        model = hmm.GMMHMM(n_components=3, n_mix=2, covariance_type=covariance_type, n_iter=5, random_state=0)
    return model.fit(X, lengths)


# -- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("kind", ["gaussian", "gmm"])
def test_hmm_round_trip_is_bit_exact(kind, covariance_type, sequences, tmp_path):
    X, lengths = sequences
    model = _fitted(kind, covariance_type, sequences)
    path = tmp_path / "model.json"
    hmmkit.save(model, path)
    loaded = hmmkit.load(path)
    assert type(loaded) is type(model) and loaded.covariance_type == covariance_type
    _assert_same_bits(_hmm_parameters(model), _hmm_parameters(loaded))
    assert loaded.score(X, lengths) == model.score(X, lengths)
    assert np.array_equal(loaded.predict(X, lengths), model.predict(X, lengths))
    assert loaded.end_states_ is None and loaded.topology_ == "ergodic"
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary left behind


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_mixture_round_trip_is_bit_exact(covariance_type, sequences, tmp_path):
    X, _ = sequences
    model = GaussianMixture(n_components=3, covariance_type=covariance_type, random_state=0).fit(X)
    hmmkit.save(model, tmp_path / "gmm.json")
    loaded = hmmkit.load(str(tmp_path / "gmm.json"))
    assert isinstance(loaded, GaussianMixture) and loaded.covariance_type == covariance_type
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        assert np.array_equal(getattr(model, name), getattr(loaded, name)), name
    assert np.array_equal(loaded.score_samples(X), model.score_samples(X))
    assert np.array_equal(loaded.predict(X), model.predict(X))


def test_peer_models_are_saved_too(sequences, tmp_path):
    X, lengths = sequences
    peer = hmmlearn_hmm.GMMHMM(n_components=3, n_mix=2, n_iter=5, random_state=0).fit(X, lengths)
    hmmkit.save(peer, tmp_path / "hmm.json")
    loaded = hmmkit.load(tmp_path / "hmm.json")
    _assert_same_bits(_hmm_parameters(peer), _hmm_parameters(loaded))
    assert loaded.score(X, lengths) == pytest.approx(peer.score(X, lengths), rel=1e-12)
    mixture = SKLearnGaussianMixture(n_components=2, covariance_type="full", random_state=0).fit(X)
    hmmkit.save(mixture, tmp_path / "gmm.json")
    assert np.array_equal(hmmkit.load(tmp_path / "gmm.json").covariances_, mixture.covariances_)


def test_save_replaces_a_file_whole_and_keeps_it_on_failure(sequences, tmp_path):
    X, lengths = sequences
    path = tmp_path / "model.json"
    first = _fitted("gmm", "diag", sequences)
    hmmkit.save(first, path)
    before = path.read_bytes()
    broken = hmmkit.load(path)
    broken.startprob_ = np.array([0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="startprob_"):
        hmmkit.save(broken, path)
    assert path.read_bytes() == before
    with pytest.raises(OSError, match="missing-folder"):
        hmmkit.save(first, tmp_path / "missing-folder" / "model.json")
    assert sorted(os.listdir(tmp_path)) == ["model.json"]


# -- the command line's files ------------------------------------------------------------------

def _json_hmm_parameters(path):
    """The parameters of an HMMKit.HiddenMarkovModel file as Python's json module reads them
    (an independent reader; diagonal covariances, as make_cli_fixtures.py trains)."""
    with open(path) as file:
        document = json.load(file)
    states = document["states"]
    return document, {"startprob_": np.array(document["startProbabilities"]),
                      "transmat_": np.array(document["transitions"]),
                      "means_": np.array([state["means"] for state in states]),
                      "covars_": np.array([state["diagonalCovariances"] for state in states]),
                      "weights_": np.array([state["weights"] for state in states])}


def test_committed_cli_files_load_with_their_values_and_scores():
    path = os.path.join(FIXTURES, "cli-hmm.json")
    document, expected = _json_hmm_parameters(path)
    model = hmmkit.load(path)
    assert isinstance(model, hmm.GMMHMM) and (model.n_components, model.n_mix, model.n_features) == (3, 2, 2)
    _assert_same_bits(expected, _hmm_parameters(model))
    assert model.topology_ == "left-to-right" and model.max_jump_ == document["topology"]["maximumJump"]
    assert list(model.end_states_) == document["endStates"] == [2]
    with open(os.path.join(FIXTURES, "cli-scores.json")) as file:
        cli = json.load(file)
    data = cli_sequences()
    ours = [model.score(frames) for frames in data]
    np.testing.assert_allclose(ours, cli["hmm score"], rtol=1e-12)
    for index, frames in enumerate(data):
        log_prob, states = model.decode(frames)
        assert log_prob == pytest.approx(cli["hmm decode"]["logProbabilities"][index], rel=1e-12)
        assert list(states) == cli["hmm decode"]["paths"][index]
    mixture = hmmkit.load(os.path.join(FIXTURES, "cli-gmm.json"))
    with open(os.path.join(FIXTURES, "cli-gmm.json")) as file:
        gmm = json.load(file)
    assert np.array_equal(mixture.covariances_, np.array(gmm["fullCovariances"]))
    assert np.array_equal(mixture.means_, np.array(gmm["means"]))
    np.testing.assert_allclose(mixture.score_samples(np.vstack(data)), cli["gmm score"], rtol=1e-12)


def test_the_end_state_changes_the_score_as_on_the_command_line():
    model = hmmkit.load(os.path.join(FIXTURES, "cli-hmm.json"))
    frames = cli_sequences()[0][:20]  # stops in the second cluster: ending in state 2 is unlikely
    ended = model.score(frames)
    model.end_states_ = None  # hmmlearn's convention: end anywhere
    assert model.score(frames) > ended + 1


def test_a_chain_the_topology_forbids_is_not_saved(tmp_path):
    model = hmmkit.load(os.path.join(FIXTURES, "cli-hmm.json"))
    model.transmat_ = np.array([[0.5, 0.25, 0.25], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match=r"transition \(0, 2\).*topology_ 'left-to-right'"):
        hmmkit.save(model, tmp_path / "model.json")
    model.topology_ = "ergodic"
    hmmkit.save(model, tmp_path / "model.json")
    assert np.array_equal(hmmkit.load(tmp_path / "model.json").transmat_, model.transmat_)
    model.end_states_ = [5]
    with pytest.raises(ValueError, match=r"end_states_ must list states in 0...2 \(got \[5\]\)"):
        model.score(cli_sequences()[0])


@needs_cli
@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_python_models_score_alike_in_the_command_line(covariance_type, tmp_path):
    paths = write_sequences(tmp_path)
    data = cli_sequences()
    X, lengths = np.vstack(data), [len(frames) for frames in data]
    for kind in ("gaussian", "gmm"):
        model = _fitted(kind, covariance_type, (X, lengths))
        hmmkit.save(model, tmp_path / "model.json")
        scores = _run("hmm", "score", "--json", str(tmp_path / "model.json"), *paths)["logLikelihoods"]
        np.testing.assert_allclose(scores, [model.score(frames) for frames in data], rtol=1e-12)
        decoded = _run("hmm", "decode", "--json", str(tmp_path / "model.json"), *paths)
        assert decoded["paths"] == [list(model.predict(frames)) for frames in data]
    mixture = GaussianMixture(n_components=3, covariance_type=covariance_type, random_state=0).fit(X)
    hmmkit.save(mixture, tmp_path / "gmm.json")
    frame_scores = _run("gmm", "score", "--json", str(tmp_path / "gmm.json"), *paths)["frameLogLikelihoods"]
    np.testing.assert_allclose(frame_scores, mixture.score_samples(X), rtol=1e-12)


@needs_cli
def test_command_line_models_load_in_python_and_back(tmp_path):
    paths = write_sequences(tmp_path)
    cli_model = tmp_path / "cli.json"
    subprocess.run([_cli(), "hmm", "fit", *paths, "--states", "4", "--mixtures", "2", "--max-jump", "1",
                    "--iterations", "3", "--quiet", "-o", str(cli_model)], check=True)
    _, expected = _json_hmm_parameters(cli_model)
    model = hmmkit.load(cli_model)
    _assert_same_bits(expected, _hmm_parameters(model))
    assert (model.topology_, model.max_jump_, list(model.end_states_)) == ("left-to-right", 1, [3])
    cli_scores = _run("hmm", "score", "--json", str(cli_model), *paths)["logLikelihoods"]
    np.testing.assert_allclose([model.score(frames) for frames in cli_sequences()], cli_scores, rtol=1e-12)
    hmmkit.save(model, tmp_path / "again.json")  # topology and end states written back: the same file
    assert (tmp_path / "again.json").read_bytes() == cli_model.read_bytes()


# -- damaged files -----------------------------------------------------------------------------

def _damaged(tmp_path, name, edit):
    with open(os.path.join(FIXTURES, "cli-hmm.json")) as file:
        document = json.load(file)
    edit(document)
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("edit, field", [
    (lambda d: d["states"][1]["diagonalCovariances"][0].__setitem__(1, -1.0), "state 1"),
    (lambda d: d["transitions"][0].__setitem__(0, 0.9), "transition row 0"),
    (lambda d: d["states"][2].pop("weights"), "weights"),
    (lambda d: d.__setitem__("startProbabilities", [1, 0]), "state counts"),
    (lambda d: d.__setitem__("version", 99), "newer HMMKit"),
    (lambda d: d["topology"].__setitem__("kind", "spiral"), "spiral"),
    (lambda d: d["states"][0].__setitem__("means", "many"), "means"),
])
def test_damaged_fields_are_named(edit, field, tmp_path):
    path = _damaged(tmp_path, "damaged.json", edit)
    with pytest.raises(ValueError) as error:
        hmmkit.load(path)
    assert str(path) in str(error.value) and field in str(error.value)


def test_truncated_foreign_and_missing_files(tmp_path):
    whole = open(os.path.join(FIXTURES, "cli-hmm.json"), "rb").read()
    cases = {"truncated.json": whole[:len(whole) // 2], "empty.json": b"", "binary.npy": bytes(range(256)),
             "recognizer.json": b'{"format": "HMMKit.Recognizer", "version": 1}', "list.json": b"[1, 2, 3]"}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match=name):
            hmmkit.load(tmp_path / name)
    with pytest.raises(OSError, match="absent.json"):
        hmmkit.load(tmp_path / "absent.json")
    with pytest.raises(OSError):
        hmmkit.load(tmp_path)  # a folder
    with pytest.raises(ValueError, match="GaussianHMM, GMMHMM and GaussianMixture"):
        hmmkit.save(object(), tmp_path / "x.json")


def test_every_prefix_of_a_file_fails_cleanly(tmp_path):
    whole = open(os.path.join(FIXTURES, "cli-gmm.json"), "rb").read()
    path = tmp_path / "prefix.json"
    for end in range(0, len(whole) - 1, 7):
        path.write_bytes(whole[:end])
        with pytest.raises(ValueError, match="prefix.json"):
            hmmkit.load(path)
