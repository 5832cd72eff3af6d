"""GridSearchCV on a Dask cluster through joblib's "dask" backend.

One LocalCluster of two single-threaded worker processes serves the module;
it is closed when the module's tests are done.
"""

import runpy
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

import sk_twolayer
from sk_twolayer import TwoLayerClassifier, TwoLayerRegressor, make_flower

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dask_search.py"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("dask")  # not the shared /tmp/dask-scratch-space
    with (
        dask.config.set({"temporary-directory": str(scratch)}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
    ):
        yield cluster


def _sk_twolayer_file():
    import sk_twolayer

    return sk_twolayer.__file__


def test_workers_import_this_sk_twolayer(cluster):
    with distributed.Client(cluster) as client:
        files = client.run(_sk_twolayer_file)
    assert len(files) == 2
    assert set(files.values()) == {sk_twolayer.__file__}


def test_grid_search_on_dask_gives_the_local_cv_results(cluster):
    X, y = make_flower(random_state=1)
    search = GridSearchCV(
        TwoLayerClassifier(max_iter=1000, random_state=0),
        {"n_hidden": [2, 4, 8], "alpha": [0.5, 2.0]},
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
    )
    local = clone(search).fit(X, y)
    with (
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_config(backend="dask"),
    ):
        remote = clone(search).fit(X, y)

    # The fits ran as tasks on the cluster's workers, not in this process.
    workers = set(cluster.scheduler_info["workers"])
    fit_tasks = [t for t in tasks.data if "_fit_and_score" in t["key"]]
    assert fit_tasks
    assert {t["worker"] for t in fit_tasks} <= workers

    scores = [k for k in local.cv_results_ if "score" in k and "time" not in k]
    assert "mean_test_score" in scores and "split2_test_score" in scores
    assert sorted(scores) == sorted(
        k for k in remote.cv_results_ if "score" in k and "time" not in k
    )
    for key in scores:
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    assert remote.best_params_ == local.best_params_
    # The candidates differ, so equal scores are not a coincidence of the grid.
    assert len(set(local.cv_results_["mean_test_score"])) > 1
    for name in ("W1_", "b1_", "W2_", "b2_"):
        np.testing.assert_array_equal(
            getattr(remote.best_estimator_, name), getattr(local.best_estimator_, name)
        )


def test_regressor_grid_search_on_dask_gives_the_local_cv_results(cluster):
    X, y = make_friedman1(n_samples=150, n_features=5, random_state=0)
    search = GridSearchCV(
        TwoLayerRegressor(random_state=0),
        {"n_hidden": [2, 8], "alpha": [0.1, "auto"]},
        cv=KFold(n_splits=3, shuffle=True, random_state=0),
    )
    local = clone(search).fit(X, 1000 * y)
    with (
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_config(backend="dask"),
    ):
        remote = clone(search).fit(X, 1000 * y)
    workers = set(cluster.scheduler_info["workers"])
    fit_tasks = [t for t in tasks.data if "_fit_and_score" in t["key"]]
    assert fit_tasks and {t["worker"] for t in fit_tasks} <= workers
    for key in ("mean_test_score", "split0_test_score", "split2_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert len(set(local.cv_results_["mean_test_score"])) > 1
    assert remote.best_params_ == local.best_params_
    for name in ("W1_", "b1_", "W2_", "b2_"):
        np.testing.assert_array_equal(
            getattr(remote.best_estimator_, name), getattr(local.best_estimator_, name)
        )


def test_dask_search_example_runs_at_toy_size(cluster, capsys, monkeypatch):
    argv = [EXAMPLE.name, "--quick", "--scheduler", cluster.scheduler_address]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert exit_info.value.code == 0, out
    assert "cluster: 2 workers" in out
    assert "| 8 | 2.0 |" in out
    assert "all 6 score columns of cv_results_ identical: True" in out
