"""The comparison demo, ``python -m sk_twolayer`` (code in ``_demo.py``)."""

import io
import re
import subprocess
import sys

import numpy as np
import pytest

from sk_twolayer import _demo
from sk_twolayer.__main__ import main

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MODELS = (
    "LogisticRegression()",
    "course network (n_h=4, gd)",
    "TwoLayerClassifier()",
    "GridSearchCV(TwoLayerClassifier())",
    "MLPClassifier()",
)
REGRESSION_MODELS = ("Ridge()", "TwoLayerRegressor()", "MLPRegressor()")


def has_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def table_rows(out):
    """model name -> (train score, test score, fit seconds, n_iter[, chosen])
    from the tables (a search's row ends with ``best NAME=VALUE``); the
    scores are accuracies, or R² (possibly negative) for regression."""
    rows = {}
    for line in out.splitlines():
        name, _, numbers = line.partition("  ")
        fields = numbers.split()
        chosen = fields[5:] if fields[4:5] == ["best"] else None
        if len(fields) in (4, 6) and re.fullmatch(r"-?\d+\.\d+", fields[0]):
            train, test, seconds = map(float, fields[:3])
            rows[name.strip()] = (train, test, seconds, fields[3], *(chosen or []))
    return rows


def assert_png(path):
    assert path.is_file(), path
    assert path.read_bytes()[:8] == PNG_MAGIC


def write_csv(path, n=40, target="label", seed=0):
    """Two separable blobs in 2-D with string labels, as a CSV file."""
    rng = np.random.RandomState(seed)
    lines = [f"x1,{target},x2"]
    for i in range(n):
        label = "red" if i % 2 else "blue"
        centre = 2.0 if label == "red" else -2.0
        x1, x2 = rng.randn(2) + centre
        lines.append(f"{x1:.4f},{label},{x2:.4f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_default_run_prints_the_table_and_writes_the_figure(capsys, tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert set(rows) == set(MODELS)
    assert "300 train / 100 test" in out
    # The flower is not linearly separable; the hidden layer is what helps.
    assert rows["TwoLayerClassifier()"][1] > rows["LogisticRegression()"][1] + 0.15
    assert rows["course network (n_h=4, gd)"][0] > 0.85
    assert rows["course network (n_h=4, gd)"][3] == "10000"
    assert all(0 <= r[0] <= 1 and 0 <= r[1] <= 1 and r[2] >= 0 for r in rows.values())
    # The searched network names the width it chose.
    name, width = rows["GridSearchCV(TwoLayerClassifier())"][4].split("=")
    assert name == "n_hidden" and int(width) in _demo.SEARCH_WIDTHS
    figure = tmp_path / "flower_models.png"
    if has_matplotlib():
        assert_png(figure)
        assert f"Wrote the figure {figure}" in out
    else:
        assert not figure.exists()
        assert "pip install 'sk-twolayer[plot]'" in out


def test_without_matplotlib_the_table_is_printed_and_no_figure(
    capsys, tmp_path, monkeypatch
):
    for name in [m for m in sys.modules if m.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out_dir = tmp_path / "figures"
    assert main(["--dataset", "moons", "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert set(table_rows(out)) == set(MODELS)
    assert "matplotlib is not installed" in out
    assert "pip install 'sk-twolayer[plot]'" in out
    assert not out_dir.exists()


def test_hidden_size_sweep_prints_its_table_and_figure(capsys, tmp_path):
    assert main(["--hidden", "1,3", "--out", str(tmp_path), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    rows = table_rows(out)
    sweep = [
        "course network (n_h=1)",
        "course network (n_h=3)",
        "TwoLayerClassifier(n_hidden=1)",
        "TwoLayerClassifier(n_hidden=3)",
    ]
    assert set(rows) == set(MODELS) | set(sweep)
    # One tanh unit cannot carve out the flower's petals; three can.
    assert rows["course network (n_h=3)"][0] > rows["course network (n_h=1)"][0] + 0.1
    if has_matplotlib():
        assert_png(tmp_path / "flower_models.png")
        assert_png(tmp_path / "flower_hidden_sizes.png")


def test_more_than_two_features_gives_an_accuracy_chart(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    assert main(["--dataset", "iris", "--hidden", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "4 features, 3 classes" in out
    assert_png(tmp_path / "iris_models.png")
    assert_png(tmp_path / "iris_hidden_sizes.png")


def test_csv_file_with_a_named_target_column(capsys, tmp_path):
    path = write_csv(tmp_path / "points.csv")
    argv = ["--dataset", str(path), "--target", "label", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "points.csv, target column 'label'" in out
    assert "30 train / 10 test samples, 2 features, 2 classes" in out
    rows = table_rows(out)
    assert set(rows) == set(MODELS)
    assert rows["LogisticRegression()"][1] == 1.0  # separable blobs
    if has_matplotlib():
        assert_png(tmp_path / "points_models.png")


def test_load_csv_reads_features_and_labels(tmp_path):
    path = write_csv(tmp_path / "points.csv", n=6)
    X, y = _demo.load_csv(path, "label")
    assert X.shape == (6, 2) and X.dtype == float
    assert y.tolist() == ["blue", "red"] * 3
    lines = path.read_text().splitlines()
    assert X[0, 0] == float(lines[1].split(",")[0])
    assert X[0, 1] == float(lines[1].split(",")[2])
    path.write_text("a,b\n1.5,0\n2.5,1\n")
    X, y = _demo.load_csv(path, "b")
    assert X.tolist() == [[1.5], [2.5]] and y.dtype.kind == "i"


@pytest.mark.parametrize(
    "content, target, message",
    [
        ("x1,label\n1,a\n", "species", "has no column 'species'; its columns are"),
        ("x1,label\n1,a\nfoo,b\n", "label", "line 3: column 'x1' holds 'foo'"),
        ("x1,label\n1,a\n2\n", "label", "line 3: 1 fields, the header has 2"),
        ("x1,label\n", "label", "needs a header row and at least one data row"),
        ("x1,label\n1,a\n2,a\n3,a\n", "label", "the target has a single class"),
        ("x1,label\n1,0.5\n2,1.5\n3,2.25\n", "label", "a regression needs at least 8"),
        ("x1,label\n1,1\n2,2\n3,2\n4,1\n5,3\n", "label", "use --task regression"),
    ],
)
def test_bad_csv_gives_a_clean_error(tmp_path, capsys, content, target, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["--dataset", str(path), "--target", target, "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bad_csv_path_or_data_set_name_gives_a_clean_error(tmp_path, capsys):
    for dataset, message in [
        (str(tmp_path / "missing.csv"), "no such CSV file"),
        ("flowers", "unknown data set 'flowers': choose one of flower, moons"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            main(["--dataset", dataset])
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err


def test_bad_hidden_sizes_are_rejected(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--hidden", "4,0"])
    assert exit_info.value.code == 2
    assert "positive integers separated by commas" in capsys.readouterr().err


def test_a_model_that_fails_becomes_a_row_not_a_crash():
    from sk_twolayer import TwoLayerClassifier, make_flower

    X, y = make_flower(random_state=1)
    diverging = TwoLayerClassifier(solver="gd", learning_rate=1e4, alpha=0.0)
    result = _demo.fit_one("too big a step", diverging, X, y, X, y)
    assert result.model is None and "diverged" in result.error
    assert _demo.format_row(result).startswith("too big a step")
    assert "failed: Training diverged" in _demo.format_row(result)


def test_rich_progress_bar_shows_the_rows(monkeypatch, tmp_path):
    pytest.importorskip("rich")
    from rich.console import Console
    from rich.progress import Progress

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    monkeypatch.setattr(_demo, "_progress_bar", lambda: Progress(console=console))
    X, y = _demo.load_dataset("moons")[:2]
    models = {"LogisticRegression()": _demo.LogisticRegression()}
    results = _demo.run_table("Comparison", models, _demo.split(X, y, 0))
    assert results[0].test > 0.8
    assert "LogisticRegression()" in screen.getvalue()


def test_runs_as_a_module_and_errors_without_a_traceback(tmp_path):
    help_text = subprocess.run(
        [sys.executable, "-m", "sk_twolayer", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--dataset", "--hidden", "--out", "--seed", "--target", "--task"):
        assert option in help_text
    assert "flower" in help_text and "breast_cancer" in help_text
    assert "diabetes" in help_text and "sine" in help_text
    assert "regression" in help_text and "TwoLayerRegressor" in help_text
    bad = subprocess.run(
        [sys.executable, "-m", "sk_twolayer", "--dataset", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert "no such CSV file" in bad.stderr and "Traceback" not in bad.stderr


# ------------------------------------------------------------- regression


def write_regression_csv(path, n=40, target="y", seed=0, whole=False):
    """A linear target of two features with a little noise, as a CSV file:
    floats that are not whole numbers, or (``whole``) rounded to integers."""
    rng = np.random.RandomState(seed)
    lines = [f"x1,{target},x2"]
    for _ in range(n):
        x1, x2 = rng.randn(2)
        y = 10 * x1 - 5 * x2 + 0.5 * rng.randn()
        lines.append(f"{x1:.4f},{round(y) if whole else f'{y:.4f}'},{x2:.4f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_continuous_target_compares_the_regressors(capsys, tmp_path):
    assert main(["--dataset", "diabetes", "--hidden", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "331 train / 111 test samples, 10 features, a continuous target" in out
    assert "train R²" in out and "test R²" in out and "train acc" not in out
    rows = table_rows(out)
    sweep = {"TwoLayerRegressor(n_hidden=2, alpha=0)", "TwoLayerRegressor(n_hidden=2)"}
    assert set(rows) == set(REGRESSION_MODELS) | sweep
    assert all(r[0] <= 1 and r[1] <= 1 and r[2] >= 0 for r in rows.values())
    # Diabetes is a noisy target: a linear model explains part of it, and
    # the network about as much on the held-out quarter.
    assert 0.2 < rows["Ridge()"][1] < 0.7
    assert 0.2 < rows["TwoLayerRegressor()"][1] < 0.7
    assert rows["TwoLayerRegressor()"][3].isdigit()
    assert rows["Ridge()"][3] == "-"  # Ridge's direct solver has no iterations
    if has_matplotlib():
        assert_png(tmp_path / "diabetes_models.png")  # R² bars: 10 features
        assert_png(tmp_path / "diabetes_hidden_sizes.png")


def test_a_one_dimensional_curve_is_drawn_with_its_fitted_curves(capsys, tmp_path):
    assert main(["--dataset", "sine", "--hidden", "4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "225 train / 75 test samples, 1 feature, a continuous target" in out
    rows = table_rows(out)
    sweep = {"TwoLayerRegressor(n_hidden=4, alpha=0)", "TwoLayerRegressor(n_hidden=4)"}
    assert set(rows) == set(REGRESSION_MODELS) | sweep
    # A line cannot follow the sine; a few tanh units can.
    assert rows["Ridge()"][1] < 0.2
    assert rows["TwoLayerRegressor()"][1] > 0.85
    assert rows["TwoLayerRegressor(n_hidden=4, alpha=0)"][1] > 0.85
    # The sweep's lines name the table's title without the course's.
    assert "Hidden-layer size\n" in out and "the course's table" not in out
    if has_matplotlib():
        assert_png(tmp_path / "sine_models.png")
        assert_png(tmp_path / "sine_hidden_sizes.png")


def test_a_csv_file_with_a_continuous_target_is_a_regression(capsys, tmp_path):
    path = write_regression_csv(tmp_path / "linear.csv")
    argv = ["--dataset", str(path), "--target", "y", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "linear.csv, target column 'y'" in out
    assert "30 train / 10 test samples, 2 features, a continuous target" in out
    rows = table_rows(out)
    assert set(rows) == set(REGRESSION_MODELS)
    assert rows["Ridge()"][1] > 0.95  # the target is linear in the features
    assert rows["TwoLayerRegressor()"][1] > 0.9
    if has_matplotlib():
        assert_png(tmp_path / "linear_models.png")


def test_task_regression_takes_a_whole_number_target_as_a_quantity(capsys, tmp_path):
    path = write_regression_csv(tmp_path / "counts.csv", whole=True)
    argv = ["--dataset", str(path), "--target", "y", "--out", str(tmp_path)]
    with pytest.raises(SystemExit) as exit_info:  # whole numbers: classes
        main(argv)
    assert exit_info.value.code == 2
    assert "use --task regression" in capsys.readouterr().err
    assert main([*argv, "--task", "regression"]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert set(rows) == set(REGRESSION_MODELS)
    assert rows["Ridge()"][1] > 0.95


def test_task_classification_refuses_a_continuous_target(capsys, tmp_path):
    path = write_regression_csv(tmp_path / "linear.csv")
    argv = ["--dataset", str(path), "--target", "y", "--task", "classification"]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "must hold class labels for a classification; it looks continuous" in err


def test_the_task_of_a_csv_target():
    assert _demo.csv_task(_demo._labels(["0.5", "1", "2.25"])) == "regression"
    assert _demo.csv_task(_demo._labels(["1", "2", "2.0"])) == "classification"
    assert _demo.csv_task(_demo._labels(["red", "1.5"])) == "classification"
    assert {_demo.load_dataset(n)[4] for n in ("diabetes", "sine")} == {"regression"}
    assert _demo.load_dataset("flower")[4] == "classification"


@pytest.mark.parametrize(
    "content, message",
    [
        ("x1,y\n" + "".join(f"{i},red\n" for i in range(10)), "needs a numeric target"),
        ("x1,y\n" + "".join(f"{i},1.5\n" for i in range(10)), "the target is constant"),
        (
            "x1,y\n1,0.5\n2,nan\n" + "".join(f"{i},{i}.5\n" for i in range(8)),
            "the target holds NaN",
        ),
        ("x1,y\n1,0.5\n2,1.5\n", "a regression needs at least 8"),
    ],
)
def test_bad_regression_target_gives_a_clean_error(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    argv = ["--dataset", str(path), "--target", "y", "--task", "regression"]
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
