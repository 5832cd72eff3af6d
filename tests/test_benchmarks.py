"""Smoke tests: each benchmark script runs at toy size, so they never rot."""

import runpy
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("script", ["bench_defaults.py"])
def test_benchmark_runs_at_toy_size(script, tmp_path, monkeypatch):
    out = tmp_path / "table.md"
    monkeypatch.setattr(sys, "argv", [script, "--quick", "--out", str(out)])
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(BENCHMARKS / script), run_name="__main__")
    assert exit_info.value.code == 0
    table = out.read_text()
    assert "| TwoLayerClassifier() |" in table and "| flower |" in table
