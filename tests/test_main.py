"""The comparison demo, ``python -m sk_twolayer``."""

import subprocess
import sys

from sk_twolayer.__main__ import main


def test_demo_prints_the_comparison_table(capsys):
    assert main(["--seed", "0"]) == 0
    out = capsys.readouterr().out
    for name in ("LogisticRegression", "course network", "TwoLayerClassifier()"):
        assert name in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line}
    logistic_test = float(rows["LogisticRegression"][-2])
    network_test = float(rows["TwoLayerClassifier()"][-2])
    assert network_test > logistic_test + 0.2


def test_demo_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "sk_twolayer", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "flower" in result.stdout
