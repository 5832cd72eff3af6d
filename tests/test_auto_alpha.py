"""alpha="auto": the weight-dealing folds, the path, and how the choice
meets sample weights, warm starts, early stopping, partial_fit and the
solvers; explicit float alphas untouched."""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, _auto_alpha, _blocks, _problem, _training
from sk_twolayer import _network as net
from sk_twolayer._solvers import Patience

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data():
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, random_state=0
    )
    return X, y


def weights(clf):
    return [clf.W1_, clf.b1_, clf.W2_, clf.b2_]


def assert_same_model(a, b):
    assert a.alpha_ == b.alpha_
    for p, q in zip(weights(a), weights(b)):
        np.testing.assert_array_equal(p, q)


def test_auto_alpha_is_the_default_and_is_stored(data):
    clf = TwoLayerClassifier(random_state=0).fit(*data)
    assert clf.alpha == "auto"
    assert clf.alpha_ in _auto_alpha.AUTO_ALPHAS
    path = clf.alpha_path_
    assert list(path) == sorted(path) and set(path) <= set(_auto_alpha.AUTO_ALPHAS)
    # No weaker than the lowest held-out loss's alpha (within the noise).
    assert clf.alpha_ >= min(path, key=path.get)


def test_the_strongest_alpha_within_the_noise_is_chosen():
    rule = _auto_alpha.strongest_within_noise
    path = {0.1: 1.00, 0.3: 0.90, 1.0: 0.93, 3.0: 0.96, 10.0: 1.2}
    assert rule(path, dict.fromkeys(path, 0.0)) == 0.3
    assert rule(path, dict.fromkeys(path, 0.04), 1.0) == 1.0
    assert rule(path, dict.fromkeys(path, 0.07), 1.0) == 3.0
    assert rule(path, dict.fromkeys(path, 0.07)) == 1.0  # half of 0.07
    # Only the lowest's error counts, and never a weaker alpha than it.
    assert rule(path, {**dict.fromkeys(path, 1.0), 0.3: 0.0}) == 0.3
    assert rule({0.1: 1.0, 1.0: 0.5}, {0.1: 0.0, 1.0: 1.0}) == 1.0


def test_the_standard_error_is_that_of_the_held_out_rows_mean(data, monkeypatch):
    X, y = data
    walks = []
    walk = _auto_alpha._Path.walk

    def recording(self, seeds_the_fit):
        walks.append(self)
        return walk(self, seeds_the_fit)

    monkeypatch.setattr(_auto_alpha._Path, "walk", recording)
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    path = walks[0]
    # Recompute one: the folds' fits at the chosen alpha, every held-out row.
    losses, shares = [], []
    for fold, theta in zip(path.folds, path.states[clf.alpha_]):
        fold.theta = theta
        Xv, Yv, share = fold.val
        dims = Xv.shape[1], 32, Yv.shape[1]
        Z2 = _blocks.logits(Xv, *net.unpack(theta, *dims), "tanh")
        losses.append(net.sample_loss(Z2, Yv, "sigmoid"))
        shares.append(share)
    loss, share = np.concatenate(losses), np.concatenate(shares)
    mean = share @ loss / share.sum()
    se = np.sqrt(share @ (loss - mean) ** 2 / share.sum() / share.sum())
    assert path.errors[clf.alpha_] == pytest.approx(se, rel=1e-6)
    assert path.scores[clf.alpha_] == pytest.approx(mean, rel=1e-6)


def test_path_brackets_on_the_coarse_ladder_then_refines_once(data, monkeypatch):
    steps = []
    step = _auto_alpha._Path.step

    def recording(self, alpha, start=None):
        steps.append((alpha, start))
        return step(self, alpha, start)

    monkeypatch.setattr(_auto_alpha._Path, "step", recording)
    clf = TwoLayerClassifier(random_state=0).fit(*data)
    coarse = [alpha for alpha, start in steps[:-1]]
    assert coarse == list(_auto_alpha.COARSE[: len(coarse)])
    assert all(start is None for _, start in steps[:-1])
    # One finer step, from the weaker neighbour's fits, between the best
    # coarse alpha and its better neighbour.
    fine, start = steps[-1]
    ladder = _auto_alpha.AUTO_ALPHAS
    assert fine not in _auto_alpha.COARSE and start == ladder[ladder.index(fine) - 1]
    path = clf.alpha_path_
    best = min(coarse, key=lambda a: (path[a], -a))
    assert best in (ladder[ladder.index(fine) - 1], ladder[ladder.index(fine) + 1])
    assert list(path) == sorted(coarse + [fine])


def test_float_alpha_is_stored_and_runs_no_path(data, monkeypatch):
    def no_path(*args):
        raise AssertionError("the alpha path ran for an explicit alpha")

    monkeypatch.setattr(_training, "choose_alpha", no_path)
    for solver in ("lbfgs", "gd", "sgd", "adam"):
        clf = TwoLayerClassifier(alpha=0.5, solver=solver, max_iter=5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(*data)
        assert clf.alpha_ == 0.5 and clf.alpha_path_ is None


def test_float_alpha_fits_as_before_auto_alpha():
    """The weights of explicit-alpha fits (the course's gd run among them)
    against those of the code before alpha="auto" (main at 38ae0b7): bit for
    bit on the machine that made the fixture; elsewhere to the rounding of
    another BLAS kernel (an OpenBLAS Haswell kernel gave 3e-9 relative after
    the course's 500 gd steps), far below what any change of the fit's
    arithmetic would move them."""
    spec = importlib.util.spec_from_file_location(
        "make_fixture", DATA / "make_float_alpha_fixture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    before = np.load(DATA / "float_alpha_38ae0b7.npz")
    now = module.fits()
    assert sorted(now) == sorted(before.files)
    for name in before.files:
        np.testing.assert_allclose(now[name], before[name], rtol=1e-6, atol=1e-9)


def test_folds_deal_a_weight_like_its_copies():
    X = np.arange(12.0).reshape(6, 2)
    Y = np.zeros((6, 1))
    weight = np.array([1.0, 1.0, 3.0, 5.0, 0.5, 2.5])
    offset = _auto_alpha.fold_offsets(_auto_alpha.row_hashes(X, Y, b"key"), 3)
    shares = _auto_alpha.fold_shares(offset, weight, 3)
    np.testing.assert_array_equal(shares.sum(axis=1), weight)
    # A unit weight lands whole in one fold; 3 copies one in each.
    assert sorted(shares[0]) == [0, 0, 1] and list(shares[2]) == [1, 1, 1]
    assert sorted(shares[3]) == [1, 2, 2]
    # A row's fold is its own: the other rows do not move it.
    again = _auto_alpha.fold_offsets(_auto_alpha.row_hashes(X[::-1], Y, b"key"), 3)
    np.testing.assert_array_equal(again[::-1], offset)


def test_row_hashes_depend_on_the_row_alone():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 4)
    X[rng.rand(50, 4) < 0.3] = 0.0
    Y = np.eye(3)[rng.randint(0, 3, 50)]
    h = _auto_alpha.row_hashes(X, Y, b"key")
    assert h.dtype == np.uint64 and len(np.unique(h)) == 50
    # Not the order, not the other rows, not a zero's sign; but the key.
    order = rng.permutation(50)
    np.testing.assert_array_equal(
        _auto_alpha.row_hashes(X[order], Y[order], b"key"), h[order]
    )
    np.testing.assert_array_equal(_auto_alpha.row_hashes(X[:7], Y[:7], b"key"), h[:7])
    signed = np.where(X == 0, -0.0, X)
    np.testing.assert_array_equal(_auto_alpha.row_hashes(signed, Y, b"key"), h)
    assert not np.any(_auto_alpha.row_hashes(X, Y, b"other") == h)
    # The label is part of the row.
    assert not np.any(_auto_alpha.row_hashes(X, np.roll(Y, 1, axis=1), b"key") == h)


def test_rows_hash_alike_in_blocks_and_whole(monkeypatch):
    rng = np.random.RandomState(1)
    X, Y = rng.randn(40, 3), np.ones((40, 1))
    whole = _auto_alpha.row_hashes(X, Y, b"key")
    monkeypatch.setattr(_auto_alpha, "_HASH_ELEMENTS", 7)
    np.testing.assert_array_equal(_auto_alpha.row_hashes(X, Y, b"key"), whole)


def test_integer_weights_give_the_model_of_repeated_rows(data):
    X, y = data
    rng = np.random.RandomState(0)
    sw = rng.randint(0, 4, size=len(y))
    rows = rng.permutation(np.repeat(np.arange(len(y)), sw))
    weighted = TwoLayerClassifier(random_state=0).fit(X, y, sample_weight=sw)
    repeated = TwoLayerClassifier(random_state=0).fit(X[rows], y[rows])
    assert_same_model(weighted, repeated)
    assert weighted.alpha_path_ == repeated.alpha_path_


def test_auto_alpha_is_deterministic(data):
    a = TwoLayerClassifier(random_state=3).fit(*data)
    b = TwoLayerClassifier(random_state=3).fit(*data)
    assert_same_model(a, b)


def test_class_weight_is_a_sample_weight_to_the_loss(data):
    X, y = data
    by_class = TwoLayerClassifier(alpha=0.3, class_weight={0: 3, 1: 1}, random_state=0)
    by_sample = TwoLayerClassifier(alpha=0.3, random_state=0)
    by_class.fit(X, y)
    by_sample.fit(X, y, sample_weight=np.where(y == 0, 3.0, 1.0))
    assert_same_model(by_class, by_sample)


def test_class_weights_are_not_dealt_to_the_folds_as_copies(data, monkeypatch):
    """A class weight makes a row count more in the loss, not more rows: a
    minority row of weight 3 is held out whole by one fold, as a row is,
    where a sample weight of 3 (three observations) is dealt to all three
    (balanced class weights used to put every minority row in every fold,
    and alpha="auto" chose the weakest penalty it could)."""
    X, y = data
    seen = record_path_data(monkeypatch, lambda X, train, share: (train + share, share))
    TwoLayerClassifier(class_weight={0: 3, 1: 1}, random_state=0).fit(X, y)
    by_class = seen[:3]
    shares = np.stack([share for _, share in by_class], axis=1)
    weight = by_class[0][0]
    # each row's weight is in one fold's validation side, whole
    assert np.all(np.count_nonzero(shares, axis=1) == 1)
    assert_allclose(shares.sum(axis=1), weight)
    seen.clear()
    TwoLayerClassifier(random_state=0).fit(X, y, sample_weight=np.where(y == 0, 3, 1))
    shares = np.stack([share for _, share in seen[:3]], axis=1)
    assert np.any(np.count_nonzero(shares, axis=1) == 3)  # copies, dealt


def test_balanced_class_weights_keep_a_penalty_the_minority_can_bear():
    """On imbalanced classes with class_weight="balanced", the path's held
    out minority rows are really held out: its alpha is not the weakest of
    the ladder (it was, 0.3 here, before class weights were told apart from
    observations)."""
    X, y = make_classification(
        600, 20, n_informative=5, weights=[0.92], flip_y=0.05, random_state=0
    )
    clf = TwoLayerClassifier(class_weight="balanced", random_state=0).fit(X, y)
    assert clf.alpha_ >= 3.0


def test_zero_weights_are_rows_left_out(data):
    X, y = data
    sw = np.ones(len(y))
    sw[::4] = 0
    weighted = TwoLayerClassifier(random_state=0).fit(X, y, sample_weight=sw)
    dropped = TwoLayerClassifier(random_state=0).fit(X[sw > 0], y[sw > 0])
    assert_same_model(weighted, dropped)


def record_path_rows(monkeypatch):
    seen = []
    choose = _training.choose_alpha

    def recording(config, X, *args):
        seen.append(X.shape[0])
        return choose(config, X, *args)

    monkeypatch.setattr(_training, "choose_alpha", recording)
    return seen


def test_warm_start_keeps_alpha_(data, monkeypatch):
    X, y = data
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    alpha = clf.alpha_
    seen = record_path_rows(monkeypatch)
    clf.set_params(warm_start=True).fit(X[:60], y[:60])
    assert clf.alpha_ == alpha and seen == []


def test_early_stopping_chooses_on_the_rows_left_for_training(data, monkeypatch):
    X, y = data  # rows all distinct: nothing merges
    seen = record_path_rows(monkeypatch)
    clf = TwoLayerClassifier(early_stopping=True, validation_fraction=0.25)
    clf.set_params(random_state=0).fit(X, y)
    assert seen == [90]
    assert clf.alpha_ in _auto_alpha.AUTO_ALPHAS


def test_partial_fit_alpha(data):
    X, y = data
    clf = TwoLayerClassifier(solver="adam", random_state=0)
    clf.partial_fit(X, y, classes=[0, 1])
    assert clf.alpha_ == _auto_alpha.PARTIAL_FIT_ALPHA
    clf.fit(X, y)
    chosen = clf.alpha_
    clf.partial_fit(X, y)
    assert clf.alpha_ == chosen and clf.alpha_path_ is None


@pytest.mark.parametrize("solver", ["gd", "sgd", "adam"])
def test_other_solvers_take_the_lbfgs_path_choice(data, solver):
    X, y = data
    lbfgs = TwoLayerClassifier(random_state=0).fit(X, y)
    other = TwoLayerClassifier(solver=solver, batch_size=32, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        other.fit(X, y)
    assert other.alpha_ == lbfgs.alpha_
    assert other.alpha_path_ == lbfgs.alpha_path_


def test_path_stops_past_the_bottom():
    stop = _auto_alpha._past_the_bottom
    assert stop([3.0, 2.0, 2.5])
    assert not stop([3.0, 2.0])
    assert not stop([3.0, 2.0, 1.9])
    assert stop([3.0, 2.0, 1.5, 1.6])
    # From the first alpha, one rise is not yet the far side of the U; two
    # in a row are.
    assert not stop([1.0, 1.5])
    assert not stop([1.0, 1.5, 1.2])
    assert stop([1.0, 1.5, 2.0])


def test_a_few_distinct_rows_still_fit():
    X = np.array([[0.0], [1.0], [0.0], [1.0]])
    y = np.array([0, 1, 0, 1])
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    assert clf.predict([[0.0], [1.0]]).tolist() == [0, 1]


def test_a_default_fit_that_converged_does_not_warn():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = TwoLayerClassifier(random_state=0).fit(X, y)
    assert clf.n_iter_ < clf.max_iter


def test_a_fit_stopped_early_warns():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        TwoLayerClassifier(max_iter=5, random_state=0).fit(X, y)


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_relative_patience_counts_falls_of_at_most_tol_times_the_loss(scale):
    # Falls of 0.5, 1.5, 0.5, 0.3 against tol · J ≈ 0.99, 0.98, 0.975, 0.97:
    # the second resets the count, the fourth ends the patience of 2.
    patience = Patience(0.01, 2, relative=True)
    losses = np.array([100.0, 99.5, 98.0, 97.5, 97.2]) * scale
    assert [patience.update(loss) for loss in losses] == [
        False,
        False,
        False,
        False,
        True,
    ]


def test_lbfgs_stops_once_n_iter_no_change_iterations_in_a_row_fell_little(data):
    tol, k = 1e-4, 5
    clf = TwoLayerClassifier(
        alpha=0.1, tol=tol, n_iter_no_change=k, random_state=0
    ).fit(*data)
    J = np.array(clf.loss_curve_)
    small = J[:-1] - J[1:] <= tol * np.abs(J[1:])
    # The last k iterations each fell by at most tol · J; no k before did.
    assert clf.n_iter_ < clf.max_iter and small[-k:].all()
    runs = np.convolve(small[:-1].astype(int), np.ones(k, dtype=int), "valid")
    assert runs.max() < k


def test_large_data_folds_weigh_rows_out_instead_of_copying(data, monkeypatch):
    X, y = data
    # In float64: float32's rounding, amplified along the path, would blur
    # the comparison of the two layouts.
    monkeypatch.setattr(_auto_alpha, "FLOAT32_LIMIT", 0.0)
    copied = TwoLayerClassifier(random_state=0).fit(X, y)
    monkeypatch.setattr(_problem, "MERGE_LIMIT_BYTES", 0)
    weighted = TwoLayerClassifier(random_state=0).fit(X, y)
    assert weighted.alpha_ == copied.alpha_
    np.testing.assert_allclose(
        list(weighted.alpha_path_.values()),
        list(copied.alpha_path_.values()),
        rtol=5e-3,  # the same objective, summed in another order
    )


def test_the_path_of_large_data_runs_on_their_distinct_rows(monkeypatch):
    monkeypatch.setattr(_problem, "MERGE_LIMIT_BYTES", 0)
    X, y = make_classification(n_samples=300, n_features=5, random_state=0)
    seen = record_path_data(monkeypatch)
    TwoLayerClassifier(n_hidden=4, random_state=0).fit(
        np.tile(X, (40, 1)), np.tile(y, 40)
    )
    rows, total, _ = seen[0]
    # 40 copies of each row, divided by the path's power of two (2⁶, just
    # above the largest weight, 40).
    assert (rows, total * 64) == (300, 12_000.0)
    # Rows that do not repeat (here: twice, on average, is the threshold)
    # are kept as they are, with no copy.
    TwoLayerClassifier(n_hidden=4, random_state=0).fit(
        np.vstack([X, X[:100]]), np.r_[y, y[:100]]
    )
    rows, total, _ = seen[-1]
    assert (rows, total) == (400, 400.0)


def test_large_data_keep_a_few_bytes_per_row_for_the_path(monkeypatch):
    """Data over PATH_ROWS and the merge limit: the path keeps a hash per
    row (and sorted copies to find the distinct rows) while it draws its
    subsample, then works on the subsample's distinct rows alone, however
    often the rows repeat; what it holds beyond that is bounded by
    PATH_ROWS. (A subsample drawn with every repeat of its rows cost ~240
    bytes a row more here.)"""
    import tracemalloc

    monkeypatch.setattr(_problem, "MERGE_LIMIT_BYTES", 0)
    rng = np.random.RandomState(0)
    distinct = rng.randn(20_000, 20).astype(np.float32)
    peaks = []
    for n in (100_000, 200_000):
        X = np.tile(distinct, (n // len(distinct), 1))
        y = (X[:, 0] + 0.5 * rng.randn(n) > 0).astype(int)
        clf = TwoLayerClassifier(n_hidden=4, max_iter=2, tol=0.0, random_state=0)
        tracemalloc.start()
        try:
            with pytest.warns(ConvergenceWarning, match="max_iter=2"):
                clf.fit(X, y)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert clf.alpha_path_  # the path ran
    assert peaks[1] - peaks[0] < 60 * 100_000  # bytes per added row


def test_distinct_by_hash_sums_each_groups_weight_in_any_order():
    hashes = np.array([5, 3, 5, 9, 3, 5], dtype=np.uint64)
    w = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    rows, weight = _auto_alpha.distinct_by_hash(hashes, w)
    assert_array_equal(hashes[rows], [3, 5, 9])
    assert_allclose(weight, [0.7, 1.0, 0.4])
    perm = np.random.RandomState(0).permutation(6)
    rows_p, weight_p = _auto_alpha.distinct_by_hash(hashes[perm], w[perm])
    assert_array_equal(hashes[perm][rows_p], [3, 5, 9])
    assert_array_equal(weight_p, weight)  # bit for bit
    rows, counts = _auto_alpha.distinct_by_hash(hashes, rows=hashes != 9)
    assert_array_equal(hashes[rows], [3, 5])
    assert_array_equal(counts, [2, 3])


def _rows_total_dtype(X, train, share):
    return X.shape[0], float(train.sum() + share.sum()), X.dtype


def record_path_data(monkeypatch, what=_rows_total_dtype):
    """What each of the path's folds was made of: ``what(X, training
    weights, validation shares)`` (by default its rows, their total weight
    and its dtype)."""
    seen = []
    fold = _auto_alpha._Fold

    class Recording(fold):
        def __init__(self, config, X, Y, sides, params, subsets):
            seen.append(what(X, *sides()))
            super().__init__(config, X, Y, sides, params, subsets)

    monkeypatch.setattr(_auto_alpha, "_Fold", Recording)
    return seen


def test_the_path_runs_on_a_hashed_subsample_of_large_data(monkeypatch):
    monkeypatch.setattr(_auto_alpha, "PATH_ROWS", 200)
    X, y = make_classification(n_samples=2000, n_features=5, random_state=0)
    seen = record_path_data(monkeypatch)
    clf = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X, y)
    rows = seen[0][0]
    assert 150 < rows < 250 and clf.alpha_ in _auto_alpha.AUTO_ALPHAS
    # Integer weights draw the same rows as the repeated rows they stand
    # for (a row's copies share its hash), and give the same model.
    rng = np.random.RandomState(0)
    sw = rng.randint(0, 3, size=len(y))
    repeat = rng.permutation(np.repeat(np.arange(len(y)), sw))
    weighted = TwoLayerClassifier(n_hidden=4, random_state=0)
    weighted.fit(X, y, sample_weight=sw)
    repeated = TwoLayerClassifier(n_hidden=4, random_state=0).fit(X[repeat], y[repeat])
    assert seen[1][:2] == seen[2][:2]
    assert_same_model(weighted, repeated)
    assert weighted.alpha_path_ == repeated.alpha_path_


def test_subsample_counts_distinct_rows_of_positive_weight():
    hashes = np.repeat(np.arange(1, 101, dtype=np.uint64) * np.uint64(2**57), 5)
    assert _auto_alpha.subsample(hashes, rows=100) is None  # 100 distinct
    keep = _auto_alpha.subsample(hashes, rows=50)
    assert keep.shape == hashes.shape
    # A row and its repeats are kept, or not, together.
    assert np.all(keep.reshape(100, 5).all(axis=1) == keep.reshape(100, 5).any(axis=1))
    positive = np.arange(500) < 250  # 50 distinct rows with weight
    assert _auto_alpha.subsample(hashes, positive, rows=50) is None


def test_the_path_computes_in_float32_when_it_only_ranks_alphas(data, monkeypatch):
    X, y = data
    seen = record_path_data(monkeypatch)
    TwoLayerClassifier(random_state=0).fit(X, y)
    TwoLayerClassifier(random_state=0).fit(X * 1e20, y)  # beyond float32
    monkeypatch.setattr(_auto_alpha, "PATH_ROWS", 50)  # the path seeds the fit
    TwoLayerClassifier(random_state=0).fit(X, y)
    dtypes = [dtype for *_, dtype in seen]
    assert dtypes == [np.float32] * 3 + [np.float64] * 6


def recorded_starts(monkeypatch):
    """The first theta each lbfgs call of the final fit starts from, and the
    path's choices."""
    starts, choices = [], []
    lbfgs, choose = _training.lbfgs, _training.choose_alpha

    def recording_lbfgs(fun, theta, **kwargs):
        starts.append(theta.copy())
        return lbfgs(fun, theta, **kwargs)

    def recording_choice(*args):
        choices.append(choose(*args))
        return choices[-1]

    monkeypatch.setattr(_training, "lbfgs", recording_lbfgs)
    monkeypatch.setattr(_training, "choose_alpha", recording_choice)
    return starts, choices


def test_the_final_fit_starts_from_the_initial_weights(data, monkeypatch):
    X, y = data
    starts, choices = recorded_starts(monkeypatch)
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    assert choices[0].start is None
    init = TwoLayerClassifier(alpha=clf.alpha_, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        init.fit(X, y)
    np.testing.assert_array_equal(starts[0], starts[1])  # the same start


def test_on_subsampled_data_the_final_fit_starts_from_the_folds_mean(data, monkeypatch):
    X, y = data
    monkeypatch.setattr(_auto_alpha, "PATH_ROWS", 50)
    starts, choices = recorded_starts(monkeypatch)
    TwoLayerClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal(starts[0], choices[0].start)


def test_unmerged_rows_keep_their_weight_in_one_fold():
    X = np.arange(8.0).reshape(4, 2)
    Y = np.zeros((4, 1))
    weight = np.array([1.0, 3.0, 2.5, 0.0])
    offset = _auto_alpha.fold_offsets(_auto_alpha.row_hashes(X, Y, b"key"), 3)
    shares = _auto_alpha.fold_shares(offset, weight, 3, deal=False)
    np.testing.assert_array_equal(shares.sum(axis=1), weight)
    assert np.all((shares == 0) | (shares == weight[:, None]))
    # A weight of at most 1 is in the same fold either way.
    dealt = _auto_alpha.fold_shares(offset, weight, 3)
    np.testing.assert_array_equal(shares[0], dealt[0])


@pytest.mark.parametrize("where", ["loss", "solver"])
def test_an_interrupt_during_the_path_abandons_the_fit(data, monkeypatch, where):
    X, y = data
    clf = TwoLayerClassifier(random_state=0).fit(X, y)
    before = [w.copy() for w in weights(clf)], clf.alpha_path_

    if where == "loss":  # between two evaluations of a step

        def interrupted(self, alpha):
            raise KeyboardInterrupt

        monkeypatch.setattr(_auto_alpha._Fold, "loss", interrupted)
    else:  # inside the path's L-BFGS, after a few of its evaluations
        calls = []
        evaluate = _auto_alpha._Joint.__call__

        def interrupted(self, theta):
            calls.append(1)
            if len(calls) == 5:
                raise KeyboardInterrupt
            return evaluate(self, theta)

        monkeypatch.setattr(_auto_alpha._Joint, "__call__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X[:80], y[:80])
    for a, b in zip(weights(clf), before[0]):
        np.testing.assert_array_equal(a, b)
    assert clf.alpha_path_ == before[1]


def test_sparse_rows_hash_like_dense_ones():
    import scipy.sparse as sp

    X = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    Y = np.eye(3)[[0, 1, 2]]
    dense = _auto_alpha.row_hashes(X, Y, b"key")
    for kind in (sp.csr_matrix, sp.csc_matrix):
        sparse = kind(X)
        np.testing.assert_array_equal(_auto_alpha.row_hashes(sparse, Y, b"key"), dense)
    # An explicitly stored zero is no feature.
    stored = sp.csr_matrix((np.array([0.0, 1.5]), ([0, 0], [0, 1])), shape=(1, 3))
    np.testing.assert_array_equal(
        _auto_alpha.row_hashes(stored, Y[:1], b"key"), dense[:1]
    )
