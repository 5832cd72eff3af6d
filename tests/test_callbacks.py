"""scikit-learn's callbacks (``set_callbacks``, scikit-learn >= 1.9): every
iteration of every solver reported, ProgressBar and ScoringMonitor, alone and
nested in Pipeline and GridSearchCV."""

import pickle
import re
import threading
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, UnsetMetadataPassedError
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_twolayer import TwoLayerClassifier, make_flower
from sk_twolayer._sklearn_private import CALLBACKS_AVAILABLE

SOLVERS = ("lbfgs", "gd", "sgd", "adam")

needs_callbacks = pytest.mark.skipif(
    not CALLBACKS_AVAILABLE, reason="sklearn.callback is new in scikit-learn 1.9"
)


@pytest.fixture
def flower():
    X, y = make_flower(random_state=1)
    return StandardScaler().fit_transform(X), y


class Recorder:
    """Records every hook call: (hook, task name, task id), and what each
    on_fit_task_end was given. Asks to stop, or raises, at the end of
    iteration ``stop_at`` or ``fail_at`` (1-based) when set."""

    def __init__(self, stop_at=None, fail_at=None):
        self.stop_at, self.fail_at = stop_at, fail_at
        self.calls = []
        self.models = []  # (task name, fitted_estimator, X, y, metadata)

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        self.calls.append(("begin", context.task_name, context.task_id))

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        self.calls.append(("end", context.task_name, context.task_id))
        self.models.append((context.task_name, fitted_estimator, X, y, metadata))
        iteration = None if context.parent is None else context.task_id + 1
        if iteration is not None and iteration == self.fail_at:
            raise RuntimeError("callback failed")
        return iteration is not None and iteration == self.stop_at

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name))

    def ends(self, task_name):
        """Models reported at the end of the tasks named task_name."""
        return [m for name, m, *_ in self.models if name == task_name]


def _quiet_fit(estimator, X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **params)


@pytest.mark.skipif(CALLBACKS_AVAILABLE, reason="scikit-learn >= 1.9 has callbacks")
def test_without_the_callback_api_there_is_no_set_callbacks(flower):
    X, y = flower
    clf = TwoLayerClassifier(random_state=0)
    assert not hasattr(clf, "set_callbacks")
    assert clf.fit(X, y).score(X, y) > 0.8


@needs_callbacks
@pytest.mark.parametrize("bad", [object(), Recorder, print])
def test_set_callbacks_refuses_what_is_not_a_callback(bad):
    with pytest.raises(TypeError, match="FitCallback"):
        TwoLayerClassifier().set_callbacks(bad)


@needs_callbacks
@pytest.mark.parametrize("solver", SOLVERS)
def test_every_iteration_is_a_task_whose_model_is_the_fit_stopped_there(flower, solver):
    X, y = flower
    params = {"solver": solver, "max_iter": 12, "tol": 0.0, "random_state": 0}
    recorder = Recorder()
    clf = _quiet_fit(TwoLayerClassifier(**params).set_callbacks(recorder), X, y)
    step = "epoch" if solver in ("sgd", "adam") else "iteration"
    calls = recorder.calls
    assert calls[:3] == [("setup", "fit"), ("begin", "fit", 0), ("begin", step, 0)]
    assert calls[-2:] == [("end", "fit", 0), ("teardown", "fit")]
    iterations = [c for c in calls if c[1] == step]
    assert iterations == [
        (hook, step, i) for i in range(clf.n_iter_) for hook in ("begin", "end")
    ]
    models = recorder.ends(step)
    assert len(models) == clf.n_iter_ == 12
    # The model of iteration k is that of a fit stopped after k iterations.
    for k in (1, 5, 12):
        alone = _quiet_fit(TwoLayerClassifier(**{**params, "max_iter": k}), X, y)
        assert models[k - 1].n_iter_ == k
        for name in ("W1_", "b1_", "W2_", "b2_"):
            assert_array_equal(getattr(models[k - 1], name), getattr(alone, name))
    assert_array_equal(recorder.ends("fit")[0].predict(X), clf.predict(X))
    assert not hasattr(clf, "_callback_fit_ctx")


@needs_callbacks
def test_a_run_that_converges_early_ends_the_unused_iteration_empty(flower):
    X, y = flower
    recorder = Recorder()
    clf = TwoLayerClassifier(max_iter=1000, random_state=0).set_callbacks(recorder)
    clf.fit(X, y)
    assert clf.n_iter_ < 1000  # L-BFGS converged
    begins = [c for c in recorder.calls if c[:2] == ("begin", "iteration")]
    ends = [c for c in recorder.calls if c[:2] == ("end", "iteration")]
    assert len(begins) == len(ends) == clf.n_iter_ + 1
    models = recorder.ends("iteration")
    assert all(m is not None for m in models[:-1]) and models[-1] is None


@needs_callbacks
@pytest.mark.parametrize("solver", SOLVERS)
def test_a_callback_can_stop_training(flower, solver):
    X, y = flower
    stop = Recorder(stop_at=3)
    clf = TwoLayerClassifier(solver=solver, max_iter=50, tol=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a wanted stop
        clf.set_callbacks(stop).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3
    step = "epoch" if solver in ("sgd", "adam") else "iteration"
    assert len(stop.ends(step)) == 3
    assert_array_equal(stop.ends(step)[-1].W1_, clf.W1_)


@needs_callbacks
def test_early_stopping_reports_each_epoch_and_the_restored_model(flower):
    X, y = flower
    recorder = Recorder()
    clf = TwoLayerClassifier(
        solver="adam", early_stopping=True, max_iter=300, random_state=0
    ).set_callbacks(recorder)
    clf.fit(X, y)
    assert clf.n_iter_ < 300
    assert len(recorder.ends("epoch")) == clf.n_iter_
    final = recorder.ends("fit")[0]
    assert_array_equal(final.W1_, clf.W1_)  # the best epoch's weights


@needs_callbacks
def test_callbacks_see_the_data_and_weights_given_to_fit(flower):
    X, y = flower
    weights = np.where(y == 1, 3.0, 1.0)
    recorder = Recorder()
    clf = TwoLayerClassifier(max_iter=5, early_stopping=True, random_state=0)
    _quiet_fit(clf.set_callbacks(recorder), X, y, sample_weight=weights)
    for _, _, X_seen, y_seen, metadata in recorder.models[:-1]:
        assert X_seen is X and y_seen is y
        assert metadata["sample_weight"] is weights
    recorder.models.clear()
    _quiet_fit(clf, X, y)
    assert all(metadata is None for *_, metadata in recorder.models)


@needs_callbacks
def test_scoring_monitor_logs_each_iteration_score(flower):
    from sklearn.callback import ScoringMonitor

    X, y = flower
    weights = np.where(y == 1, 3.0, 1.0)
    monitor = ScoringMonitor(scoring="accuracy")
    clf = TwoLayerClassifier(solver="gd", max_iter=8, random_state=0)
    _quiet_fit(clf.set_callbacks(monitor), X, y, sample_weight=weights)
    rows = monitor.get_logs().data
    fit_rows = [r for r in rows if r["task_name"] == "fit"]
    steps = [r for r in rows if r["task_name"] == "iteration"]
    assert len(fit_rows) == 1 and len(steps) == 8
    # Scores are weighted by the sample_weight given to fit.
    assert fit_rows[0]["accuracy"] == clf.score(X, y, sample_weight=weights)
    assert steps[-1]["accuracy"] == fit_rows[0]["accuracy"]
    four = TwoLayerClassifier(solver="gd", max_iter=4, random_state=0)
    _quiet_fit(four, X, y, sample_weight=weights)
    assert steps[3]["accuracy"] == four.score(X, y, sample_weight=weights)


@needs_callbacks
def test_scoring_monitor_under_metadata_routing_needs_a_scorer_asking_for_weights(
    flower,
):
    from sklearn.callback import ScoringMonitor

    X, y = flower
    weights = np.where(y == 1, 3.0, 1.0)
    with config_context(enable_metadata_routing=True):
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        monitor = ScoringMonitor(scoring={"accuracy": scorer})
        clf = TwoLayerClassifier(max_iter=5, random_state=0).set_callbacks(monitor)
        _quiet_fit(clf, X, y, sample_weight=weights)
        (fit_row,) = [r for r in monitor.get_logs().data if r["task_name"] == "fit"]
        assert fit_row["accuracy"] == clf.score(X, y, sample_weight=weights)
        # A scorer that did not ask for them fails the fit; nothing is fitted.
        clf = TwoLayerClassifier(max_iter=5)
        clf.set_callbacks(ScoringMonitor(scoring="accuracy"))
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            _quiet_fit(clf, X, y, sample_weight=weights)
        assert not hasattr(clf, "W1_")


@needs_callbacks
@pytest.mark.parametrize("solver", ("gd", "sgd", "adam"))
def test_each_partial_fit_call_is_one_task(flower, solver):
    X, y = flower
    recorder = Recorder()
    clf = TwoLayerClassifier(solver=solver, random_state=0).set_callbacks(recorder)
    clf.partial_fit(X[:200], y[:200], classes=[0, 1])
    clf.partial_fit(X[200:], y[200:])
    one_call = [
        ("setup", "partial_fit"),
        ("begin", "partial_fit", 0),
        ("end", "partial_fit", 0),
        ("teardown", "partial_fit"),
    ]
    assert recorder.calls == one_call * 2
    first, second = recorder.ends("partial_fit")
    assert first.n_iter_ == 1 and second.n_iter_ == 2
    assert_array_equal(second.predict_proba(X), clf.predict_proba(X))
    assert not np.array_equal(first.W1_, second.W1_)


@needs_callbacks
def test_a_failing_fit_tears_the_callbacks_down_and_keeps_the_model(flower):
    X, y = flower
    clf = _quiet_fit(TwoLayerClassifier(max_iter=30, random_state=0), X, y)
    before = pickle.dumps(clf.__dict__)
    fail = Recorder(fail_at=4)
    clf.set_callbacks(fail)
    with pytest.raises(RuntimeError, match="callback failed"):
        clf.fit(X[::-1], y[::-1])
    assert fail.calls[-1] == ("teardown", "fit")
    del clf._skl_callbacks
    assert pickle.dumps(clf.__dict__) == before
    # Bad input fails before the root task begins, and still tears down.
    recorder = Recorder()
    with pytest.raises(ValueError, match="NaN"):
        clf.set_callbacks(recorder).fit(np.full_like(X, np.nan), y)
    assert recorder.calls == [("setup", "fit"), ("teardown", "fit")]


@needs_callbacks
def test_progress_bar_shows_a_finished_fit(flower, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, y = flower
    clf = TwoLayerClassifier(max_iter=1000, random_state=0)
    clf.set_callbacks(ProgressBar()).fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"TwoLayerClassifier - fit .*100%", out)
    assert not re.search(r"\b[0-9]{1,2}%", out)
    assert not any(  # rich's display thread has stopped
        type(t).__name__ == "RichProgressMonitor" for t in threading.enumerate()
    )


@needs_callbacks
def test_progress_bar_and_scoring_monitor_inside_grid_search_and_pipeline(
    flower, capsys
):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar, ScoringMonitor

    X, y = flower
    monitor = ScoringMonitor(scoring="accuracy")
    net = TwoLayerClassifier(max_iter=10, random_state=0).set_callbacks(monitor)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), net),
        {"twolayerclassifier__n_hidden": [2, 8]},
        cv=KFold(3, shuffle=True, random_state=0),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, y)
    out = capsys.readouterr().out
    n_fits = 2 * 3 + 1  # candidates × splits, and the refit
    bars = re.findall(r"fit-final-estimator \| TwoLayerClassifier - fit", out)
    assert len(bars) == n_fits
    assert not re.search(r"\b[0-9]{1,2}%", out)
    log = monitor.get_logs()
    assert log.estimator_name == "GridSearchCV"  # one run: the search
    rows = log.data
    fits = [r for r in rows if r["task_name"] == "fit"]
    assert len(fits) == n_fits
    assert sum(r["task_name"] == "iteration" for r in rows) == n_fits * 10
    # The refit's final row is the training accuracy of the best pipeline.
    (refit,) = [r for r in fits if r["task_id_path"][:2] == (0, 1)]
    assert refit["accuracy"] == search.best_estimator_.score(X, y)


@needs_callbacks
def test_scoring_monitor_collects_the_scores_of_fits_in_worker_processes(flower):
    from sklearn.callback import ScoringMonitor

    X, y = flower
    monitor = ScoringMonitor(scoring="accuracy")
    net = TwoLayerClassifier(max_iter=5, random_state=0).set_callbacks(monitor)
    search = GridSearchCV(net, {"n_hidden": [2, 8]}, cv=2, n_jobs=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    rows = monitor.get_logs().data
    assert sum(r["task_name"] == "fit" for r in rows) == 2 * 2 + 1
    assert sum(r["task_name"] == "iteration" for r in rows) == (2 * 2 + 1) * 5


@needs_callbacks
def test_callbacks_are_kept_by_clone_and_pickle(flower):
    X, y = flower
    recorder = Recorder()
    clf = TwoLayerClassifier(max_iter=3, random_state=0).set_callbacks(recorder)
    assert clone(clf)._skl_callbacks[0] is recorder
    _quiet_fit(clf, X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert len(restored._skl_callbacks) == 1


# ------------------------------------------------------------- regressor


@pytest.fixture
def curve():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(150, 2))
    return X, 40 * np.sin(X[:, 0]) + 5 * X[:, 1] + 300


@needs_callbacks
@pytest.mark.parametrize("solver", SOLVERS)
def test_each_regressor_iteration_reports_the_model_in_the_units_of_y(curve, solver):
    from sk_twolayer import TwoLayerRegressor

    X, y = curve
    params = {"solver": solver, "max_iter": 8, "tol": 0.0, "random_state": 0}
    recorder = Recorder()
    reg = _quiet_fit(TwoLayerRegressor(**params).set_callbacks(recorder), X, y)
    step = "epoch" if solver in ("sgd", "adam") else "iteration"
    models = recorder.ends(step)
    assert len(models) == reg.n_iter_ == 8
    for k in (1, 8):
        alone = _quiet_fit(TwoLayerRegressor(**{**params, "max_iter": k}), X, y)
        for name in ("W1_", "b1_", "W2_", "b2_"):
            assert_array_equal(getattr(models[k - 1], name), getattr(alone, name))
        assert_array_equal(models[k - 1].predict(X), alone.predict(X))
    assert_array_equal(recorder.ends("fit")[0].predict(X), reg.predict(X))


@needs_callbacks
def test_scoring_monitor_logs_the_regressors_r2(curve):
    from sklearn.callback import ScoringMonitor

    from sk_twolayer import TwoLayerRegressor

    X, y = curve
    weights = np.where(X[:, 0] > 0, 3.0, 1.0)
    monitor = ScoringMonitor(scoring="r2")
    # A fixed step: the auto step's first overshoot would be taken back.
    params = {"solver": "gd", "learning_rate": 0.2, "random_state": 0}
    reg = TwoLayerRegressor(max_iter=6, **params)
    _quiet_fit(reg.set_callbacks(monitor), X, y, sample_weight=weights)
    rows = monitor.get_logs().data
    (fit_row,) = [r for r in rows if r["task_name"] == "fit"]
    steps = [r for r in rows if r["task_name"] == "iteration"]
    assert len(steps) == 6
    assert fit_row["r2"] == reg.score(X, y, sample_weight=weights)
    three = TwoLayerRegressor(max_iter=3, **params)
    _quiet_fit(three, X, y, sample_weight=weights)
    assert steps[2]["r2"] == three.score(X, y, sample_weight=weights)


@needs_callbacks
@pytest.mark.parametrize("solver", ("lbfgs", "adam"))
def test_a_callback_can_stop_the_regressor(curve, solver):
    from sk_twolayer import TwoLayerRegressor

    X, y = curve
    stop = Recorder(stop_at=2)
    reg = TwoLayerRegressor(solver=solver, max_iter=50, tol=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a wanted stop
        reg.set_callbacks(stop).fit(X, y)
    assert reg.n_iter_ == 2 and len(reg.loss_curve_) == 2


@needs_callbacks
def test_each_regressor_partial_fit_call_is_one_task(curve):
    from sk_twolayer import TwoLayerRegressor

    X, y = curve
    recorder = Recorder()
    reg = TwoLayerRegressor(solver="adam", random_state=0).set_callbacks(recorder)
    reg.partial_fit(X[:75], y[:75])
    reg.partial_fit(X[75:], y[75:])
    assert [c[0] for c in recorder.calls] == ["setup", "begin", "end", "teardown"] * 2
    first, second = recorder.ends("partial_fit")
    assert first.n_iter_ == 1 and second.n_iter_ == 2
    assert_array_equal(second.predict(X), reg.predict(X))
