"""``class_weight="balanced"`` under ``alpha="auto"``: TwoLayerClassifier
against LogisticRegression and HistGradientBoostingClassifier with the same
class weights, on the imbalanced sets of bench_realdata.py (its standard
sets whose smallest class has under a quarter of the rows).

Scored on the test folds of StratifiedKFold(5, shuffle=True,
random_state=0), every model behind ``_common.preprocessor`` fitted on the
training fold, by the balanced accuracy and by the class-weighted log-loss
(each test row weighted by ``compute_sample_weight("balanced")`` of the test
fold: the loss that ``class_weight="balanced"`` asks a model to minimise).
The question it answers: does ``alpha="auto"`` choose a sound penalty when
class weights make a minority row weigh several rows? (The path used to
deal such a row to every internal fold, as if it were that many copies:
nothing of the minority class was held out.)

    python benchmarks/bench_class_weight.py --json class_weight.json
    python benchmarks/bench_class_weight.py --before class_weight_before.json
                     # TwoLayerClassifier's results of another version (a
                     # --json dump) as a "before" column beside this one's
    python benchmarks/bench_class_weight.py --models twolayer --json x.json

    python benchmarks/bench_class_weight.py --quick     # the smoke test

Sample output (the summary of ``class_weight.md``: balanced accuracy,
class-weighted log-loss)::

    | TwoLayerClassifier(class_weight="balanced") | 14 | 0.6471 | 0.7782 | ...
    | LogisticRegression(class_weight="balanced") | 14 | 0.6317 | 0.8298 | ...
    | HistGradientBoostingClassifier(class_weight="balanced") | 14 | 0.6618 | 1.2925 |
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from _common import (
    HERE,
    command_line,
    evaluate_folds,
    kept_notes,
    machine_lines,
    notes_marker,
    write_results,
)
from bench_realdata import GROUPS, HOLDOUT, load
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.class_weight import compute_sample_weight

from sk_twolayer import TwoLayerClassifier

#: A standard set is imbalanced when its smallest class has fewer rows.
MINORITY_SHARE = 0.25
TWOLAYER = 'TwoLayerClassifier(class_weight="balanced")'
ESTIMATORS = {
    TWOLAYER: lambda: TwoLayerClassifier(class_weight="balanced", random_state=0),
    'LogisticRegression(class_weight="balanced")': lambda: LogisticRegression(
        class_weight="balanced"
    ),
    'HistGradientBoostingClassifier(class_weight="balanced")': lambda: (
        HistGradientBoostingClassifier(class_weight="balanced", random_state=0)
    ),
}
MODELS = dict(zip(("twolayer", "lr", "hgb"), ESTIMATORS))
#: ``--quick``: one small imbalanced set, at toy size.
QUICK = ["salaries"]
NOTES_MARKER = notes_marker("bench_class_weight.py")
OUT = HERE / "class_weight.md"


def imbalanced_sets():
    """The standard sets whose smallest class has < MINORITY_SHARE of rows."""
    names = []
    for name in GROUPS["standard"]:
        _, counts = np.unique(load(name)[1], return_counts=True)
        if counts.min() < MINORITY_SHARE * counts.sum():
            names.append(name)
    return names


def score(model, X, y, _):
    """Balanced accuracy, class-weighted log-loss and the alpha chosen."""
    weight = compute_sample_weight("balanced", y)
    proba = model.predict_proba(X)
    return (
        balanced_accuracy_score(y, model.predict(X)),
        log_loss(y, proba, sample_weight=weight, labels=model.classes_),
        float(getattr(model, "alpha_", math.nan)),
    )


def run(names, estimators, quick=False, log=print):
    results = {}
    for name in names:
        X, y = load(name, quick=quick)[:2]
        y = np.asarray(y)
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        scores, seconds, warned = evaluate_folds(X, y, estimators, cv, score=score)
        results[name] = {"rows": len(y), "scores": scores, "warned": warned}
        log(
            f"{name}: "
            + ", ".join(
                f"{m} {np.mean([s[1] for s in scores[m]]):.4f}" for m in estimators
            )
        )
    return results


def mean_of(results, model, index, names):
    return float(
        np.mean(
            [np.mean([s[index] for s in results[n]["scores"][model]]) for n in names]
        )
    )


def report(results, before, command, seconds):
    names = list(results)
    models = list(next(iter(results.values()))["scores"])
    columns = [(m, results) for m in models]
    if before:
        columns.insert(1, (TWOLAYER + ", before", before))
    lines = [
        '# class_weight="balanced" under alpha="auto": imbalanced real sets,'
        " StratifiedKFold(5)",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
        f"- Sets: bench_realdata.py's standard sets whose smallest class has"
        f" < {MINORITY_SHARE:.0%} of the rows; holdout among them:"
        f" {', '.join(n for n in names if n in HOLDOUT) or 'none'}",
        "- Scores on the test folds: balanced accuracy, and the log-loss with"
        ' each row weighted by compute_sample_weight("balanced") of the fold',
        "",
        "## Summary",
        "",
        "| model | sets | mean balanced accuracy | mean weighted log-loss"
        " | holdout: balanced accuracy / log-loss | ConvergenceWarnings |",
        "|---|---|---|---|---|---|",
    ]
    holdout = [n for n in names if n in HOLDOUT]
    for label, source in columns:
        model = label.removesuffix(", before")
        sets = [n for n in names if n in source and model in source[n]["scores"]]
        if not sets:
            continue
        held = [n for n in holdout if n in sets]
        warned = sum(source[n]["warned"][model] for n in sets)
        held_text = "–"
        if held:
            accuracy, loss = (mean_of(source, model, i, held) for i in (0, 1))
            held_text = f"{accuracy:.4f} / {loss:.4f}"
        lines.append(
            f"| {label} | {len(sets)} | {mean_of(source, model, 0, sets):.4f}"
            f" | {mean_of(source, model, 1, sets):.4f} | {held_text}"
            f" | {warned}/{5 * len(sets)} |"
        )
    lines += [
        "",
        "## Per set: balanced accuracy / weighted log-loss (mean over the folds)",
        "",
        "| data set | rows | " + " | ".join(label for label, _ in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for name in names:
        cells = []
        for label, source in columns:
            model = label.removesuffix(", before")
            fold = source.get(name, {}).get("scores", {}).get(model)
            if fold is None:
                cells.append("–")
                continue
            accuracy, loss = (np.mean([s[i] for s in fold]) for i in (0, 1))
            cells.append(f"{accuracy:.4f} / {loss:.4f}")
        tag = " (holdout)" if name in HOLDOUT else ""
        lines.append(
            f"| {name}{tag} | {results[name]['rows']} | " + " | ".join(cells) + " |"
        )
    lines += ["", "## alpha_ chosen by TwoLayerClassifier (the folds')", ""]
    for label, source in columns[:2] if before else columns[:1]:
        model = label.removesuffix(", before")
        lines.append(
            f"- {label}: "
            + "; ".join(
                f"{n} " + ", ".join(f"{s[2]:g}" for s in source[n]["scores"][model])
                for n in names
                if n in source
            )
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, one set")
    parser.add_argument("--sets", help="comma-separated subset of the sets")
    parser.add_argument(
        "--models", help=f"comma-separated subset of {', '.join(MODELS)}"
    )
    parser.add_argument("--out", default=OUT, help="results file")
    parser.add_argument("--json", help="also dump the raw results here")
    parser.add_argument(
        "--before", help="a --json dump whose TwoLayerClassifier results to show beside"
    )
    args = parser.parse_args(argv)
    if args.sets:
        names = args.sets.split(",")
    else:
        names = QUICK if args.quick else imbalanced_sets()
    estimators = ESTIMATORS
    if args.models:
        estimators = {MODELS[m]: ESTIMATORS[MODELS[m]] for m in args.models.split(",")}
    before = None
    if args.before:
        path = Path(args.before)
        before = json.loads((path if path.exists() else HERE / path).read_text())
    start = time.perf_counter()
    results = run(names, estimators, quick=args.quick)
    seconds = time.perf_counter() - start
    if args.json:
        Path(args.json).write_text(json.dumps(results))
    text = report(results, before, command_line("bench_class_weight.py", argv), seconds)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    return 0


if __name__ == "__main__":
    sys.exit(main())
