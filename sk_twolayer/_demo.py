"""The comparison demo behind ``python -m sk_twolayer``.

Classification (class labels: the flower, the default, and most built-in
sets): fits LogisticRegression, the course's network, TwoLayerClassifier
with its defaults, TwoLayerClassifier with ``n_hidden`` chosen by
GridSearchCV (the way a user tunes it) and MLPClassifier with its defaults
on one data set (every model behind a StandardScaler), prints a table of
their train and test accuracy, fit time and iterations (and the search's
chosen width), and, when matplotlib is installed, draws their decision
boundaries side by side as the course does. ``--hidden`` adds the course's
hidden-size sweep, with its own table and figure.

Regression (a continuous target: the built-in ``diabetes`` and ``sine``,
or a CSV file whose target holds numbers that are not all whole): fits
Ridge, TwoLayerRegressor and MLPRegressor with their defaults (each behind
a StandardScaler, the target as given), prints their train and test R²,
fit time and iterations, and draws the fitted curves of 1-D data (else a
bar chart of R²). ``--task`` overrides the choice, e.g. ``--task
regression`` for a target of whole numbers that is a quantity (a count, a
price in whole units), not a class. ``--hidden`` sweeps TwoLayerRegressor's
width, without a penalty and with its defaults.

matplotlib and rich are optional: they are imported only by the functions
that use them, and the demo prints its tables without them.
"""

import argparse
import csv
import math
import sys
import time
import warnings
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_blobs,
    make_circles,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import type_of_target

from . import __version__
from ._classifier import TwoLayerClassifier
from ._regressor import TwoLayerRegressor
from .datasets import make_flower

#: Where the figures go unless ``--out`` says otherwise.
DEFAULT_OUT = Path("sk_twolayer_demo")


def make_sine(n_samples=300, noise=0.2, random_state=0):
    """A noisy sine on a line: ``x`` uniform on [−3, 3] (a column),
    ``y = sin(1.5 x) + noise · N(0, 1)``."""
    rng = np.random.RandomState(random_state)
    X = rng.uniform(-3, 3, size=(n_samples, 1))
    return X, np.sin(1.5 * X[:, 0]) + noise * rng.randn(n_samples)


#: Built-in data sets: name -> (loader, description, task). The data are
#: fixed; ``--seed`` changes the train/test split and the models'
#: initialisation.
DATASETS = {
    "flower": (
        lambda: make_flower(random_state=1),
        "the course's planar flower",
        "classification",
    ),
    "moons": (
        lambda: make_moons(n_samples=500, noise=0.3, random_state=0),
        "two interleaved moons",
        "classification",
    ),
    "circles": (
        lambda: make_circles(n_samples=500, noise=0.2, factor=0.5, random_state=0),
        "two noisy concentric circles",
        "classification",
    ),
    "blobs": (
        lambda: make_blobs(n_samples=500, centers=3, cluster_std=2.0, random_state=0),
        "three overlapping Gaussian blobs",
        "classification",
    ),
    "iris": (lambda: load_iris(return_X_y=True), "iris flowers", "classification"),
    "wine": (lambda: load_wine(return_X_y=True), "wine cultivars", "classification"),
    "breast_cancer": (
        lambda: load_breast_cancer(return_X_y=True),
        "breast cancer diagnosis",
        "classification",
    ),
    "digits": (
        lambda: load_digits(return_X_y=True),
        "8x8 handwritten digits",
        "classification",
    ),
    "diabetes": (
        lambda: load_diabetes(return_X_y=True),
        "diabetes progression after a year",
        "regression",
    ),
    "sine": (make_sine, "a noisy sine curve", "regression"),
}

#: What ``--task`` accepts; ``"auto"`` takes the data's own task.
TASKS = ("auto", "classification", "regression")


class DemoError(ValueError):
    """A problem with the user's input (data set, CSV file, option), reported
    as one clear line instead of a traceback."""


def course_network(n_hidden=4):
    """The course's network: tanh, full-batch gradient descent at learning
    rate 1.2, weights 0.01 · N(0, 1) drawn with seed 2, no penalty."""
    return TwoLayerClassifier(
        n_hidden=n_hidden,
        solver="gd",
        learning_rate=1.2,
        init=0.01,
        alpha=0.0,
        max_iter=10_000,
        tol=0.0,
        n_iter_no_change=10_000,
        random_state=2,
    )


#: The widths the comparison's GridSearchCV tries.
SEARCH_WIDTHS = [1, 2, 4, 8, 16, 32]


def searched_network(seed):
    """TwoLayerClassifier with ``n_hidden`` chosen by GridSearchCV, as a user
    tunes it: 3 shuffled stratified folds (the flower comes ordered by
    petal), refitted on all the training rows at the best width."""
    return GridSearchCV(
        TwoLayerClassifier(random_state=seed),
        {"n_hidden": SEARCH_WIDTHS},
        cv=StratifiedKFold(3, shuffle=True, random_state=seed),
    )


def comparison_models(seed):
    """The models of the comparison, by name (each gets a StandardScaler)."""
    return {
        "LogisticRegression()": LogisticRegression(max_iter=1000),
        "course network (n_h=4, gd)": course_network(4),
        "TwoLayerClassifier()": TwoLayerClassifier(random_state=seed),
        "GridSearchCV(TwoLayerClassifier())": searched_network(seed),
        "MLPClassifier()": MLPClassifier(random_state=seed),
    }


def regression_models(seed):
    """The models of the regression comparison, by name (each gets a
    StandardScaler on X; y is given as it is)."""
    return {
        "Ridge()": Ridge(),
        "TwoLayerRegressor()": TwoLayerRegressor(random_state=seed),
        "MLPRegressor()": MLPRegressor(random_state=seed),
    }


def sweep_models(hidden_sizes, seed, task="classification"):
    """The hidden-size sweep, for each number of hidden units: the course's
    network and TwoLayerClassifier's defaults; for regression,
    TwoLayerRegressor without a penalty (as the course's network) and with
    its defaults."""
    models = {}
    if task == "regression":
        for h in hidden_sizes:
            models[f"TwoLayerRegressor(n_hidden={h}, alpha=0)"] = TwoLayerRegressor(
                n_hidden=h, alpha=0.0, random_state=seed
            )
        for h in hidden_sizes:
            models[f"TwoLayerRegressor(n_hidden={h})"] = TwoLayerRegressor(
                n_hidden=h, random_state=seed
            )
        return models
    for h in hidden_sizes:
        models[f"course network (n_h={h})"] = course_network(h)
    for h in hidden_sizes:
        models[f"TwoLayerClassifier(n_hidden={h})"] = TwoLayerClassifier(
            n_hidden=h, random_state=seed
        )
    return models


# ------------------------------------------------------------------- data


def load_dataset(name, target="target"):
    """``(X, y, label, description, task)`` for a built-in name or a CSV
    path; ``task`` is the data's own (:func:`csv_task` for a CSV file)."""
    if name in DATASETS:
        loader, description, task = DATASETS[name]
        X, y = loader()
        return np.asarray(X, dtype=float), np.asarray(y), name, description, task
    path = Path(name)
    if path.suffix.lower() != ".csv" and not path.exists():
        raise DemoError(
            f"unknown data set {name!r}: choose one of {', '.join(DATASETS)}, "
            "or give the path of a CSV file"
        )
    X, y = load_csv(path, target)
    description = f"{path.name}, target column {target!r}"
    return X, y, path.stem, description, csv_task(y)


def csv_task(y):
    """The task of a CSV file's target, as read by :func:`load_csv`:
    regression when it holds numbers that are not all whole (``0.5``,
    ``2.25``), classification for whole numbers and text. A quantity of
    whole numbers (a count, a price in whole units) needs ``--task
    regression``."""
    return "regression" if y.dtype.kind == "f" else "classification"


def load_csv(path, target="target"):
    """Features and labels from a CSV file with a header row.

    ``target`` names the label column (any values: numbers or strings; for
    regression, numbers); every other column must hold numbers. The target
    comes back as integers when its values are all whole numbers, as floats
    when they are other numbers, else as strings. Raises :class:`DemoError` with a
    one-line explanation for a missing file, a missing column, a non-numeric
    feature or an empty cell.
    """
    path = Path(path)
    if not path.is_file():
        raise DemoError(f"no such CSV file: {str(path)!r}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = [row for row in csv.reader(f) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DemoError(f"cannot read {str(path)!r} as CSV: {exc}") from None
    if len(rows) < 2:
        raise DemoError(f"{str(path)!r} needs a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    if target not in header:
        raise DemoError(
            f"{str(path)!r} has no column {target!r}; its columns are "
            f"{', '.join(map(repr, header))}. Name the label column with --target."
        )
    if len(header) < 2:
        raise DemoError(f"{str(path)!r} has no feature column besides {target!r}")
    t = header.index(target)
    features = [i for i in range(len(header)) if i != t]
    X = np.empty((len(rows) - 1, len(features)))
    y = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DemoError(
                f"{path.name}, line {line}: {len(row)} fields, the header has "
                f"{len(header)}"
            )
        for j, i in enumerate(features):
            try:
                X[line - 2, j] = float(row[i])
            except ValueError:
                raise DemoError(
                    f"{path.name}, line {line}: column {header[i]!r} holds "
                    f"{row[i]!r}, not a number (every column but the target "
                    "must be numeric)"
                ) from None
        if not row[t].strip():
            raise DemoError(f"{path.name}, line {line}: the target is empty")
        y.append(row[t].strip())
    if not np.all(np.isfinite(X)):
        raise DemoError(f"{path.name}: the features hold NaN or infinite values")
    return X, _labels(y)


def _labels(values):
    """CSV labels as integers when they all are, else as strings."""
    try:
        numbers = np.array([float(v) for v in values])
    except ValueError:
        return np.array(values)
    if np.all(numbers == np.round(numbers)):
        return numbers.astype(int)
    return numbers


def split(X, y, seed):
    """A stratified 75/25 train/test split, checked for the demo's needs."""
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass"):
        raise DemoError(
            f"the target must hold class labels for a classification; it looks "
            f"{kind} ({len(np.unique(y))} distinct values): use --task regression"
        )
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise DemoError(f"the target has a single class, {classes[0]!r}")
    if counts.min() < 2 or len(y) < 2 * len(classes) + 2:
        hint = (
            "; if the target is a quantity rather than a class, use --task regression"
            if y.dtype.kind in "biuf"
            else ""
        )
        raise DemoError(
            "too few samples for a stratified train/test split: every class "
            f"needs at least 2 (the smallest has {counts.min()}){hint}"
        )
    test_size = max(0.25, len(classes) / len(y))
    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)


#: The fewest samples of a regression split: a test quarter of 2 for R².
MIN_REGRESSION_SAMPLES = 8


def split_regression(X, y, seed):
    """A shuffled 75/25 train/test split of a numeric target, checked for the
    demo's needs; y comes back as floats."""
    if y.dtype.kind not in "biuf":
        raise DemoError(
            "a regression needs a numeric target; it holds text such as "
            f"{str(y[0])!r}. Leave out --task regression to compare classifiers"
        )
    y = y.astype(float)
    if not np.all(np.isfinite(y)):
        raise DemoError("the target holds NaN or infinite values")
    if len(y) < MIN_REGRESSION_SAMPLES:
        raise DemoError(
            f"too few samples for a train/test split: a regression needs at "
            f"least {MIN_REGRESSION_SAMPLES} (R² needs 2 test samples); "
            f"there are {len(y)}"
        )
    if np.all(y == y[0]):
        raise DemoError(f"the target is constant ({y[0]:g}): nothing to predict")
    return train_test_split(X, y, test_size=0.25, random_state=seed)


# ---------------------------------------------------------------- fitting


@dataclass
class Result:
    name: str
    model: object  # the fitted pipeline, or None when the fit failed
    train: float = math.nan
    test: float = math.nan
    seconds: float = math.nan
    n_iter: int | None = None
    error: str | None = None
    chosen: str | None = None  # a search's best parameters


def _n_iter(estimator):
    estimator = getattr(estimator, "best_estimator_", estimator)
    n_iter = getattr(estimator, "n_iter_", None)
    return None if n_iter is None else int(np.max(n_iter))


def _chosen(estimator):
    """What a search chose, e.g. ``"n_hidden=8"`` (None for other models)."""
    best = getattr(estimator, "best_params_", None)
    return None if best is None else ", ".join(f"{k}={v}" for k, v in best.items())


def fit_one(name, model, X_train, y_train, X_test, y_test):
    """Fit ``model`` behind a StandardScaler and score it; a model that fails
    (e.g. a fixed-step network that diverges) becomes a row with its error."""
    pipe = make_pipeline(StandardScaler(), model)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(X_train, y_train)
    except ValueError as exc:
        return Result(name, None, error=str(exc).split(". ")[0])
    seconds = time.perf_counter() - start
    return Result(
        name,
        pipe,
        pipe.score(X_train, y_train),
        pipe.score(X_test, y_test),
        seconds,
        _n_iter(pipe[-1]),
        chosen=_chosen(pipe[-1]),
    )


WIDTH = 36
#: The score column of each task: accuracy, or R² for regression.
METRICS = {"classification": "acc", "regression": "R²"}


def header(task="classification", width=WIDTH):
    metric = METRICS[task]
    return (
        f"{'model':<{width}} {'train ' + metric:>9} {'test ' + metric:>9} "
        f"{'fit (s)':>8} {'n_iter_':>8}"
    )


def format_row(r, width=WIDTH):
    if r.error is not None:
        return f"{r.name:<{width}} failed: {r.error}"
    n_iter = "-" if r.n_iter is None else str(r.n_iter)
    chosen = "" if r.chosen is None else f"  best {r.chosen}"
    return (
        f"{r.name:<{width}} {r.train:>9.3f} {r.test:>9.3f} "
        f"{r.seconds:>8.2f} {n_iter:>8}{chosen}"
    )


def _progress_bar():
    """rich's progress bar when rich is installed and the output goes to a
    terminal; otherwise None (the table rows, printed as each model is done,
    are the progress)."""
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        return None
    try:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    except ImportError:
        return None
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def run_table(title, models, data, task="classification"):
    """Fit every model, printing its table row as soon as it is done (a line
    per model; with rich on a terminal, under a progress bar). The scores
    are the models' ``score``: accuracy, or R² for regression."""
    X_train, X_test, y_train, y_test = data
    width = max([WIDTH] + [len(name) + 1 for name in models])
    print(title)
    print(header(task, width))
    print("-" * len(header(task, width)), flush=True)
    results = []
    bar = _progress_bar()
    with bar or nullcontext():
        task = None if bar is None else bar.add_task("fitting", total=len(models))
        for name, model in models.items():
            if bar is not None:
                bar.update(task, description=f"fitting {name}")
            results.append(fit_one(name, model, X_train, y_train, X_test, y_test))
            print(format_row(results[-1], width), flush=True)  # above the bar with rich
            if bar is not None:
                bar.advance(task)
    print()
    return results


# ---------------------------------------------------------------- figures


def _figure_class():
    """matplotlib's Figure (drawn with the non-interactive Agg canvas, without
    pyplot's global state), or None when matplotlib is not installed."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure


def _grid(X, n=300):
    """A grid over the plane of the data, with the course's margin of 1."""
    (x0, y0), (x1, y1) = X.min(axis=0) - 1, X.max(axis=0) + 1
    xx, yy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def _draw_boundary(ax, result, data, classes, grid):
    """One panel: the predicted class over the plane, the points on top
    (training points as dots, test points as crosses), as in the course."""
    from matplotlib.colors import ListedColormap

    X_train, X_test, y_train, y_test = data
    xx, yy, points = grid
    cmap = ListedColormap([f"C{i % 10}" for i in range(len(classes))])
    levels = np.arange(len(classes) + 1) - 0.5
    if result.model is not None:
        Z = np.searchsorted(classes, result.model.predict(points)).reshape(xx.shape)
        ax.contourf(xx, yy, Z, levels=levels, cmap=cmap, alpha=0.3)
    for X, y, marker in ((X_train, y_train, "o"), (X_test, y_test, "X")):
        ax.scatter(
            X[:, 0],
            X[:, 1],
            c=np.searchsorted(classes, y),
            cmap=cmap,
            vmin=levels[0],
            vmax=levels[-1],
            s=16 if marker == "o" else 28,
            marker=marker,
            edgecolors="k",
            linewidths=0.4,
        )
    ax.set_title(_panel_title(result), fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_curve(ax, result, data, x_grid):
    """One panel of a 1-D regression: the data (training points as dots,
    test points as crosses) and the model's fitted curve over them."""
    X_train, X_test, y_train, y_test = data
    ax.scatter(X_train[:, 0], y_train, s=10, color="0.6", label="train")
    ax.scatter(X_test[:, 0], y_test, s=22, marker="x", color="k", label="test")
    if result.model is not None:
        ax.plot(x_grid, result.model.predict(x_grid[:, None]), color="C3", lw=2)
    ax.set_title(_panel_title(result, "R²"), fontsize=9)
    ax.set_xlabel("x", fontsize=8)


def _panel_drawer(data, task, n=300):
    """``(draw(ax, result), what)`` for the data's panels: decision
    boundaries of 2-D classification data, fitted curves of 1-D regression
    data; None for data without a picture (scores are drawn instead)."""
    X_train, X_test, y_train, y_test = data
    X = np.vstack([X_train, X_test])
    if task == "classification" and X.shape[1] == 2:
        classes = np.unique(np.concatenate([y_train, y_test]))
        grid = _grid(X, n)
        return (
            lambda ax, r: _draw_boundary(ax, r, data, classes, grid),
            "Decision boundaries",
        )
    if task == "regression" and X.shape[1] == 1:
        low, high = X.min(), X.max()
        margin = 0.05 * (high - low)
        x_grid = np.linspace(low - margin, high + margin, n)
        return lambda ax, r: _draw_curve(ax, r, data, x_grid), "Fitted curves"
    return None


def _panel_title(r, metric="acc"):
    if r.error is not None:
        return f"{r.name}\nfailed"
    chosen = "" if r.chosen is None else f" ({r.chosen})"
    scores = f"train {r.train:.3f}, test {r.test:.3f}"
    if metric != "acc":
        scores = f"{metric}: {scores}"
    return f"{r.name}{chosen}\n{scores}"


def plot_models(results, data, path, description, task="classification"):
    """The comparison figure: decision boundaries side by side for 2-D
    classification data, fitted curves for 1-D regression data, else a bar
    chart of the train and test scores (accuracy or R²). Returns the path,
    or None without matplotlib."""
    Figure = _figure_class()
    if Figure is None:
        return None
    X_train = data[0]
    drawer = _panel_drawer(data, task)
    if drawer is not None:
        draw, what = drawer
        fig = Figure(figsize=(3.6 * len(results), 3.9), layout="constrained")
        axes = fig.subplots(1, len(results), squeeze=False)[0]
        for ax, r in zip(axes, results):
            draw(ax, r)
        fig.suptitle(f"{what}: {description} (dots train, crosses test)")
    else:
        fig = Figure(figsize=(2.2 * len(results) + 2, 4), layout="constrained")
        ax = fig.subplots()
        _score_bars(ax, results, METRICS[task])
        picture = "decision boundaries" if task == "classification" else "curves"
        ax.set_title(
            f"{description}: {X_train.shape[1]} features, so "
            f"{'accuracy' if task == 'classification' else 'R²'} instead of "
            f"{picture}"
        )
    return _save(fig, path)


def _score_bars(ax, results, metric="acc"):
    """Train and test scores as bars, each labelled with its value. R² can
    be negative (worse than predicting the mean): the axis goes down to the
    lowest score, but not below −1 (a lower bar is cut, its label says)."""
    x = np.arange(len(results))
    train = np.array([r.train for r in results])
    test = np.array([r.test for r in results])
    low = 0.0
    if metric != "acc" and np.isfinite(np.r_[train, test]).any():
        low = max(-1.0, min(0.0, np.nanmin(np.r_[train, test])) - 0.05)
    for offset, values, label in ((-0.2, train, "train"), (0.2, test, "test")):
        bars = ax.bar(x + offset, np.maximum(values, low), 0.4, label=label)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=7)
    ax.set_xticks(x, [r.name.replace(" (", "\n(") for r in results], fontsize=8)
    ax.set_ylim(low, 1.1)
    ax.set_ylabel("accuracy" if metric == "acc" else metric)
    ax.legend(loc="lower right" if metric == "acc" else "best")


def plot_sweep(results, hidden_sizes, data, path, description, task="classification"):
    """The hidden-size figure: a row of panels per model family (the course
    network, TwoLayerClassifier; for regression TwoLayerRegressor without a
    penalty and with its defaults), decision boundaries of 2-D
    classification data or fitted curves of 1-D regression data; else the
    score against the number of hidden units."""
    Figure = _figure_class()
    if Figure is None:
        return None
    n = len(hidden_sizes)
    rows = [results[:n], results[n:]]
    if task == "regression":
        labels = ("TwoLayerRegressor, alpha=0", "TwoLayerRegressor()")
        top, bottom = "without a penalty (alpha=0)", "the defaults (alpha='auto')"
        heading = "TwoLayerRegressor"
    else:
        labels = ("course network", "TwoLayerClassifier")
        top, bottom = "the course's network (no penalty)", "TwoLayerClassifier's "
        bottom += "defaults (alpha='auto')"
        heading = None
    drawer = _panel_drawer(data, task, n=200)
    if drawer is not None:
        draw = drawer[0]
        panel = 2.9 if task == "classification" else 3.4  # longer names
        fig = Figure(figsize=(panel * n, 6.4), layout="constrained")
        axes = fig.subplots(2, n, squeeze=False)
        for row_axes, row in zip(axes, rows):
            for ax, r in zip(row_axes, row):
                draw(ax, r)
        who = "" if heading is None else f" of {heading}"
        fig.suptitle(
            f"Hidden-layer size{who}: {description}; top {top}, bottom {bottom}"
        )
    else:
        metric = METRICS[task]
        fig = Figure(figsize=(6.5, 4), layout="constrained")
        ax = fig.subplots()
        for row, label in zip(rows, labels):
            ax.plot(hidden_sizes, [r.train for r in row], "o--", label=f"{label} train")
            ax.plot(hidden_sizes, [r.test for r in row], "o-", label=f"{label} test")
        ax.set_xscale("log", base=2)
        ax.set_xticks(hidden_sizes, [str(h) for h in hidden_sizes])
        ax.set_xlabel("hidden units")
        ax.set_ylabel("accuracy" if metric == "acc" else metric)
        ax.set_title(f"Hidden-layer size: {description}")
        ax.legend()
    return _save(fig, path)


def _save(fig, path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return path


# ------------------------------------------------------------------- main


def _hidden_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive integers separated by commas, like 1,2,4,8; "
            f"got {text!r}"
        )
    return sizes


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m sk_twolayer",
        description="Compare the course's two-layer network, TwoLayerClassifier, "
        "MLPClassifier and LogisticRegression on the flower data set (or "
        "another), print a table and draw their decision boundaries. With a "
        "continuous target (diabetes, sine, or a CSV file of such a target) "
        "compare TwoLayerRegressor, MLPRegressor and Ridge by R² instead, and "
        "draw their fitted curves.",
        epilog="Figures need matplotlib: pip install 'sk-twolayer[plot]'. "
        "With rich installed (pip install 'sk-twolayer[progress]') long runs "
        "show a progress bar.",
    )
    parser.add_argument(
        "--dataset",
        default="flower",
        metavar="NAME|FILE.csv",
        help=f"one of {', '.join(DATASETS)} (regression: "
        f"{', '.join(n for n, d in DATASETS.items() if d[2] == 'regression')}), "
        "or a CSV file with a header row (default: flower)",
    )
    parser.add_argument(
        "--target",
        default="target",
        metavar="COLUMN",
        help="the target column of a CSV file (default: target)",
    )
    parser.add_argument(
        "--task",
        choices=TASKS,
        default="auto",
        help="classification (accuracy) or regression (R²). auto, the default: "
        "a built-in data set's own task; for a CSV file, regression when the "
        "target holds numbers that are not all whole, else classification "
        "(use --task regression for a whole-number quantity such as a count)",
    )
    parser.add_argument(
        "--hidden",
        type=_hidden_sizes,
        metavar="1,2,4,...",
        help="also run the course's hidden-size sweep over these sizes, "
        "e.g. 1,2,3,4,5,20,50 (for regression: TwoLayerRegressor without a "
        "penalty and with its defaults)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the figures (default: ./{DEFAULT_OUT}/)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the train/test split and of the models (default: 0)",
    )
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        X, y, label, description, task = load_dataset(args.dataset, args.target)
        task = task if args.task == "auto" else args.task
        if task == "regression":
            data = split_regression(X, y, args.seed)
        else:
            data = split(X, y, args.seed)
    except DemoError as exc:
        parser.error(str(exc))  # exits with status 2 and the usage line

    X_train, X_test = data[0], data[1]
    if task == "regression":
        target = "a continuous target (regression, scored by R²)"
        models = regression_models(args.seed)
        scaling = "every model behind a StandardScaler, the target as given."
    else:
        target = f"{len(np.unique(y))} classes"
        models = comparison_models(args.seed)
        scaling = "every model behind a StandardScaler."
    print(
        f"sk-twolayer {__version__}: {description}: {len(X_train)} train / "
        f"{len(X_test)} test samples, {X.shape[1]} feature"
        f"{'' if X.shape[1] == 1 else 's'}, {target}; "
        f"{scaling}\n"
    )
    results = run_table("Comparison", models, data, task)
    path = args.out / f"{label}_models.png"
    figures = [(plot_models, (results, data, path))]
    if args.hidden:
        title = (
            "Hidden-layer size (the course's table)"
            if task == "classification"
            else "Hidden-layer size"
        )
        sweep = sweep_models(args.hidden, args.seed, task)
        sweep = run_table(title, sweep, data, task)
        path = args.out / f"{label}_hidden_sizes.png"
        figures.append((plot_sweep, (sweep, args.hidden, data, path)))

    for plot, plot_args in figures:
        try:
            path = plot(*plot_args, description, task)
        except OSError as exc:
            print(f"Could not write the figure: {exc}", file=sys.stderr)
            return 1
        if path is None:
            print(
                f"No figure: matplotlib is not installed. Install it with "
                f"pip install 'sk-twolayer[plot]' (or pip install matplotlib) "
                f"and run again to get {plot_args[-1]}"
            )
            break
        print(f"Wrote the figure {path}")
    return 0
