"""Does the evidence choose alpha as well as the held-out path? (issue 29)

The L2 strength ``alpha`` of TwoLayerRegressor is a prior's precision (in
units of the noise's: the loss ``(Σ s ‖f − Y‖² + α ‖W‖²) / 2m`` is the
negative log posterior times σ²/m, see ``sk_twolayer._posterior``), so the
Laplace approximation gives each alpha a log marginal likelihood, the
*evidence*, from the fitted weights and the exact Gauss–Newton matrix G the
posterior already holds. This script measures whether maximising it over
``alpha="auto"``'s ladder picks alphas as good as the held-out path's
``alpha_``, and what it would cost.

Sets: every single-output set of bench_realdata_regression.py (its ``SETS``,
loaded by its ``load``, behind ``_common.preprocessor`` fitted on the
training fold) whose network at the default ``n_hidden=32`` has at most
``_posterior.FULL_MAX_PARAMS`` (1024) parameters after preprocessing on all
the set's rows (a training fold's one-hot columns are a subset of those), so
that G is the exact, "full" one; KFold(5, shuffle=True, random_state=0).

In each fold:

- the default ``TwoLayerRegressor(random_state=0)``: its ``alpha_``, test R²
  and fit time (the path, then the final fit);
- for each alpha of the ladder (``AUTO_ALPHAS``: 0.1, 0.3, 1, 3, 10, 30,
  100), ``TwoLayerRegressor(alpha=a, random_state=0)``: its test R², fit time
  and the log evidence at its weights, in the standardized units the network
  is trained in (Y = (y − mean) / scale; N = Σ s rows, P_w weights, RSS =
  Σ s r², ‖w‖² over W1 and W2, D = 1 on the weights and 0 on the biases)::

      γ = tr(G (G + αD + εB)⁻¹),   β = (N − γ) / RSS   (1/σ² at its optimum)
      log Z(α) = −β (RSS + α ‖w‖² + ε ‖b‖²)/2 + (P_w/2) log(β α)
                 + (P_b/2) log(β ε) + (N/2) log β
                 − ½ log det(β (G + αD + εB)) − (N/2) log 2π

  B = 1 − D: the biases get a weak prior of precision ε/σ² (ε =
  ``BIAS_PRECISIONS[0]``, 0.01; constants the same at every alpha dropped;
  log det by Cholesky). Issue 29's formula is the ε → 0 limit with the
  (P_b/2) log β term dropped, but a flat prior has no evidence here: where
  the hidden units are nearly linear (strong alpha), moving b1_j and b2
  together leaves the outputs unchanged, G + αD is singular along the
  biases and the log det diverges. ε = 1e-4, 1e-6 and the variant without
  (P_b/2) log β are reported too, as the sensitivity of the choice to this
  prior. The evidence's choice is the ladder's argmax.
- MacKay's re-estimate at the default fit, α_MK = σ² γ_w / ‖w‖² with σ² =
  1/β and γ_w = Σ over the weights of 1 − α (G + αD)⁻¹_ii (the prior
  precision γ_w/‖w‖² in the loss's units), reported as log10(α_MK / alpha_);
  and where the re-estimate is a fixed point over the ladder (α_MK(α) = α,
  interpolated in log α between the ladder's fits; "< 0.1" or "> 100" when
  it does not cross).

The evidence's time is split in two: G (``_posterior.gauss_newton``, the
m P² part, which the fit's posterior already computes) and the
factorisation (Cholesky and the triangular inverse for γ, P³). Times are
wall-clock (``time.perf_counter``) and CPU (``time.process_time``, all
threads) on whatever else the machine runs: read their ratios, not the
seconds.

    python benchmarks/bench_evidence.py                 # all 16 sets (over 10
                                                        # min on 2 busy cores)
    python benchmarks/bench_evidence.py --sets diabetes,cpus
    python benchmarks/bench_evidence.py --json evidence.json
    python benchmarks/bench_evidence.py --quick         # the smoke test

The tables are printed and written to ``benchmarks/evidence.md`` (``--out``
to choose), above the hand-written notes that file keeps. Sample output
(see evidence.md for the latest)::

    | data set | rows × cols | P | path alpha_ | evidence alpha | oracle alpha | ...
    |---|---|---|---|---|---|---|---|---|---|---|---|
    | bwght | 1388×11 | 417 | 100 | 30 | 10/30/30/30/100 | -0.73 | 8.47 | ...
    | diabetes | 442×10 | 385 | 30 | 10 | 100/10/10/30/10 | -0.94 | 1.27 | ...

    | | value |
    |---|---|
    | mean R², default (path's alpha_) | 0.6968 |
    | mean R², evidence-chosen alpha | 0.6945 |
    | folds where evidence and path pick the same alpha | 21/60 |
    | … within one ladder step | 53/60 |
"""

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from _common import (
    checked_sets,
    command_line,
    kept_notes,
    machine_lines,
    notes_marker,
    preprocessor,
    section,
    write_results,
)
from bench_realdata_regression import HOLDOUT as REGRESSION_HOLDOUT
from bench_realdata_regression import SETS, load, targets
from scipy import linalg
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

HERE = Path(__file__).resolve().parent
#: The ladder of alpha="auto" (sk_twolayer._auto_alpha.AUTO_ALPHAS).
LADDER = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: The default network's width, and the parameter count up to which the
#: exact Gauss–Newton matrix is used (sk_twolayer._posterior.FULL_MAX_PARAMS).
N_HIDDEN = 32
MAX_PARAMS = 1024
#: The biases' prior precision, in the loss's units as alpha is the
#: weights' (a prior N(0, σ²/ε) on each bias; the fit itself leaves them
#: unpenalised). A flat prior (ε = 0, issue 29's) has no evidence here: where
#: the hidden units are nearly linear (strong alpha, small weights: tanh's
#: g″ ≈ 0), moving b1_j and b2 together leaves every output unchanged, so
#: G + αD is singular along the biases and −½ log det is +∞ in the limit.
#: The first is the one reported; the others are the sensitivity check.
BIAS_PRECISIONS = (1e-2, 1e-4, 1e-6)
SINGLE_OUTPUT = [d for d in SETS if len(targets(d)) == 1]
HOLDOUT = [d for d in REGRESSION_HOLDOUT if d in SINGLE_OUTPUT]
#: The set of --quick (scikit-learn's, bundled), 150 rows, 2 folds.
QUICK_SETS = ["diabetes"]


def n_params(n_x, n_h=N_HIDDEN, n_y=1):
    return n_h * (n_x + 1) + n_y * (n_h + 1)


# --- the evidence ------------------------------------------------------------


def _residuals(model, X, y):
    """The trained-units parameters, the targets Y and the residuals."""
    from sk_twolayer import _posterior

    W1, b1, W2, b2 = model._trained_params()
    Y = (np.reshape(y, (len(y), -1)) - model._target_mean) / model._target_scale
    A1, dA1 = _posterior.hidden(X, W1, b1, model.activation)
    return (W1, b1, W2, b2), A1, dA1, A1 @ W2.T + b2 - Y


def evidence_pieces(model, X, y):
    """What the evidence needs of a fitted ``TwoLayerRegressor`` (float
    ``alpha``, no sample weights) on its training rows, in the trained
    units: N, RSS, ‖w‖², ‖b‖², the mask D and the Gauss–Newton matrix G
    (the m P² part of the cost)."""
    from sk_twolayer import _posterior

    W1, b1, W2, b2 = model._trained_params()
    Y = (np.reshape(y, (len(y), -1)) - model._target_mean) / model._target_scale
    A1, dA1 = _posterior.hidden(X, W1, b1, model.activation)
    r = A1 @ W2.T + b2 - Y
    (n_h, n_x), n_y = W1.shape, W2.shape[0]
    G = _posterior.gauss_newton(X, A1, dA1, W2, np.ones(len(y)))  # lower triangle
    return {
        "alpha": float(model.alpha_),
        "N": float(len(y)),
        "rss": float(np.sum(r**2)),
        "w2": float(np.sum(W1**2) + np.sum(W2**2)),
        "b2": float(np.sum(b1**2) + np.sum(b2**2)),
        "D": _posterior.weight_mask(n_x, n_h, n_y),
        "G": G + np.tril(G, -1).T,
    }


def log_evidence(pieces, epsilon):
    """The Laplace log evidence with the weights' prior precision α/σ² and
    the biases' ε/σ² (the module text's formula, D's zeros filled with ε,
    and the biases' prior normalisation (P_b/2)·log(βε) kept: it varies
    with β), Cholesky for the log det and (G + αD + εB)⁻¹'s diagonal.
    ``{"log_z", "log_z_flat", "gamma", "gamma_w", "beta", "alpha_mk"}``:
    ``log_z_flat`` drops (P_b/2)·log β, as the limit of a prior fixed in the
    parameters' units (issue 29's flat prior) would; ``alpha_mk`` is
    MacKay's re-estimate σ² γ_w / ‖w‖²."""
    alpha, N, rss, D, G = (pieces[k] for k in ("alpha", "N", "rss", "D", "G"))
    prior = np.where(D > 0, alpha, epsilon)
    L = linalg.cholesky(G + np.diag(prior), lower=True, check_finite=False)
    L_inv = linalg.solve_triangular(L, np.eye(len(D)), lower=True)
    h_inv_diag = np.square(L_inv).sum(axis=0)  # diag of (G + αD + εB)⁻¹
    shrunk = prior * h_inv_diag  # 1 − each parameter's share of γ
    gamma = float(np.sum(1 - shrunk))
    gamma_w = float(np.sum((1 - shrunk)[D > 0]))
    P, P_w = len(D), int(D.sum())
    P_b = P - P_w
    beta = (N - gamma) / rss
    log_det = P * np.log(beta) + 2 * float(np.sum(np.log(np.diag(L))))
    log_z = (
        -beta * (rss + alpha * pieces["w2"] + epsilon * pieces["b2"]) / 2
        + P_w / 2 * np.log(beta * alpha)
        + P_b / 2 * np.log(beta * epsilon)
        + N / 2 * np.log(beta)
        - log_det / 2
        - N / 2 * np.log(2 * np.pi)
    )
    return {
        "log_z": float(log_z),
        "log_z_flat": float(log_z - P_b / 2 * np.log(beta)),
        "gamma": gamma,
        "gamma_w": gamma_w,
        "beta": float(beta),
        "alpha_mk": float(gamma_w / (beta * pieces["w2"])),
    }


def evidences(model, X, y):
    """``log_evidence`` at each of ``BIAS_PRECISIONS`` (keyed by ε), the
    seconds of G (wall, CPU) and of the rest (the factorisations: what an
    estimator would add to the posterior fit already computes)."""
    pieces, g_wall, g_cpu = _timed(lambda: evidence_pieces(model, X, y))
    out, wall, cpu = _timed(
        lambda: {eps: log_evidence(pieces, eps) for eps in BIAS_PRECISIONS}
    )
    one = 1 / len(BIAS_PRECISIONS)  # the time of one ε, the reported one
    return out, {
        "g_s": g_wall,
        "g_cpu": g_cpu,
        "factor_s": wall * one,
        "factor_cpu": cpu * one,
    }


# --- the runs ------------------------------------------------------------------


def _timed(call):
    """``call()``'s result, its wall-clock and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _timed(lambda: model.fit(X, y))


def _key(epsilon):
    return f"{epsilon:g}"


#: The variants of the evidence compared: (ε, which log Z); the first is
#: the one reported.
VARIANTS = [(_key(e), "log_z") for e in BIAS_PRECISIONS] + [
    (_key(BIAS_PRECISIONS[0]), "log_z_flat")
]


def evaluate_fold(X_train, y_train, X_test, y_test, order=1):
    """One fold: the default fit and the ladder's fits, with their evidence
    (the ladder's fits in ``order``, 1 or -1; the default fit first when 1,
    last when -1)."""
    from sk_twolayer import TwoLayerRegressor

    def default():
        model, wall, cpu = _fit(TwoLayerRegressor(random_state=0), X_train, y_train)
        evidence, _ = evidences(model, X_train, y_train)
        main = evidence[BIAS_PRECISIONS[0]]
        return {
            "alpha_": float(model.alpha_),
            "r2": float(model.score(X_test, y_test)),
            "fit_s": wall,
            "fit_cpu": cpu,
            "alpha_mk": main["alpha_mk"],
            # with σ² the posterior_'s (the path's held-out error) for 1/β
            "alpha_mk_heldout_noise": main["alpha_mk"]
            * main["beta"]
            * model.posterior_.pooled,
        }

    def ladder():
        fits = []
        for alpha in LADDER[::order]:
            model, wall, cpu = _fit(
                TwoLayerRegressor(alpha=alpha, random_state=0), X_train, y_train
            )
            evidence, seconds = evidences(model, X_train, y_train)
            fits.append(
                {
                    "alpha": alpha,
                    "n": len(y_train),
                    "r2": float(model.score(X_test, y_test)),
                    "fit_s": wall,
                    "fit_cpu": cpu,
                    **seconds,
                    "evidence": {_key(e): v for e, v in evidence.items()},
                }
            )
        return sorted(fits, key=lambda f: f["alpha"])

    if order == 1:
        first = default()
        fits = ladder()
    else:
        fits = ladder()
        first = default()
    return {"default": first, "ladder": fits}


def run(set_names, folds=5, quick=False, log=print):
    """``{set: {"shape": [rows, cols, categorical cols], "n_params": P,
    "folds": [evaluate_fold(...), ...]}}``."""
    results = {}
    started = time.perf_counter()
    for name in set_names:
        X, y = load(name, quick)
        shape = [X.shape[0], X.shape[1], X.select_dtypes(exclude="number").shape[1]]
        P = n_params(preprocessor().fit(X).transform(X).shape[1])
        cv = KFold(n_splits=folds, shuffle=True, random_state=0)
        set_started = time.perf_counter()
        fold_results = []
        for fold, (train, test) in enumerate(cv.split(X)):
            prep = preprocessor().fit(X.iloc[train])
            X_train = prep.transform(X.iloc[train])
            X_test = prep.transform(X.iloc[test])
            fold_results.append(
                evaluate_fold(
                    X_train, y[train], X_test, y[test], 1 if fold % 2 == 0 else -1
                )
            )
        results[name] = {"shape": shape, "n_params": P, "folds": fold_results}
        log(
            f"done: {name} {shape[:2]}, P={P} "
            f"({time.perf_counter() - set_started:.0f} s, "
            f"{time.perf_counter() - started:.0f} s in all)"
        )
    return results


def eligible_sets(set_names, quick=False):
    """The single-output sets among ``set_names`` whose default network has
    at most MAX_PARAMS parameters after preprocessing (all rows), and the
    others with their count."""
    kept, dropped = [], {}
    for name in set_names:
        X, _ = load(name, quick)
        P = n_params(preprocessor().fit(X).transform(X).shape[1])
        if P <= MAX_PARAMS:
            kept.append(name)
        else:
            dropped[name] = P
    return kept, dropped


# --- the report ---------------------------------------------------------------


def _ladder_step(alpha):
    return LADDER.index(alpha)


def _geo(values):
    return float(np.exp(np.mean(np.log(values))))


def _alpha_text(alphas):
    """The alphas of the folds: the common one, else them all."""
    alphas = [float(a) for a in alphas]
    if len(set(alphas)) == 1:
        return f"{alphas[0]:g}"
    return "/".join(f"{a:g}" for a in alphas)


def fixed_point(fits):
    """Where MacKay's re-estimate equals alpha over the ladder's fits:
    log α_MK(α) − log α interpolated linearly in log α to its first sign
    change from positive (α_MK above α: alpha should grow) to negative;
    0 (below the ladder) or inf (above it) when there is none."""
    log_a = np.log([f["alpha"] for f in fits])
    gap = np.log([f["alpha_mk"] for f in fits]) - log_a
    if gap[0] <= 0:
        return 0.0
    for i in range(len(gap) - 1):
        if gap[i] > 0 >= gap[i + 1]:
            t = gap[i] / (gap[i] - gap[i + 1])
            return float(np.exp(log_a[i] + t * (log_a[i + 1] - log_a[i])))
    return float("inf")


def _log_z(fit, variant=VARIANTS[0]):
    epsilon, which = variant
    return fit["evidence"][epsilon][which]


def fold_summary(fold):
    """One fold's numbers: the evidence's (each variant's) and the oracle's
    choice, the R²s, the re-estimates and the times."""
    fits, default = fold["ladder"], fold["default"]
    chosen = [max(fits, key=lambda f, v=v: _log_z(f, v)) for v in VARIANTS]
    best = chosen[0]
    oracle = max(fits, key=lambda f: f["r2"])
    at_path = next(f for f in fits if f["alpha"] == default["alpha_"])
    main = [{"alpha": f["alpha"], **f["evidence"][VARIANTS[0][0]]} for f in fits]
    return {
        "path": default["alpha_"],
        "evidence": best["alpha"],
        "variants": [f["alpha"] for f in chosen],
        "variant_r2": [f["r2"] for f in chosen],
        "oracle": oracle["alpha"],
        "steps": _ladder_step(best["alpha"]) - _ladder_step(default["alpha_"]),
        "r2_default": default["r2"],
        "r2_evidence": best["r2"],
        "r2_oracle": oracle["r2"],
        "r2_default_vs_refit": default["r2"] - at_path["r2"],
        "log_mk": float(np.log10(default["alpha_mk"] / default["alpha_"])),
        "log_mk_heldout": float(
            np.log10(default["alpha_mk_heldout_noise"] / default["alpha_"])
        ),
        "fixed_point": fixed_point(main),
        # times: the ladder (7 fits + 7 evidences) and one float-alpha fit
        # (at the path's alpha_) against the default fit (path + final fit)
        **{
            f"{part}{clock}": sum(f[f"{part}{clock}"] for f in fits)
            for part in ("fit", "g", "factor")
            for clock in ("_s", "_cpu")
        },
        "at_path_s": at_path["fit_s"],
        "at_path_cpu": at_path["fit_cpu"],
        "default_s": default["fit_s"],
        "default_cpu": default["fit_cpu"],
    }


def _fp_text(values):
    """Fixed points of the folds: their geometric mean, or a bound."""
    if all(v == 0 for v in values):
        return f"< {LADDER[0]:g}"
    if all(v == np.inf for v in values):
        return f"> {LADDER[-1]:g}"
    inside = [v for v in values if 0 < v < np.inf]
    text = f"{_geo(inside):.3g}"
    outside = len(values) - len(inside)
    return text + (f" ({outside} fold(s) off the ladder)" if outside else "")


def per_set(results):
    """``{set: [fold_summary, ...]}``."""
    return {d: [fold_summary(f) for f in r["folds"]] for d, r in results.items()}


def _time_ratios(folds, clock):
    """Per set (median over the folds), against the default fit's time: the
    ladder's 7 fits with 7 standalone evidences (G and its factorisation);
    with the factorisations alone (G reused from the posterior's fit); one
    float-alpha fit (at the path's alpha_); and the standalone evidence's
    time over the fit's."""
    c = "_s" if clock == "wall" else "_cpu"

    def median(f):
        return statistics.median(f(s) for s in folds)

    return {
        "standalone": median(
            lambda s: (s["fit" + c] + s["g" + c] + s["factor" + c]) / s["default" + c]
        ),
        "reused_g": median(
            lambda s: (s["fit" + c] + s["factor" + c]) / s["default" + c]
        ),
        "one_fit": median(lambda s: s["at_path" + c] / s["default" + c]),
        "evidence_per_fit": median(
            lambda s: (s["g" + c] + s["factor" + c]) / s["fit" + c]
        ),
    }


def _variant_label(variant):
    epsilon, which = variant
    flat = ", without (P_b/2)·log β (flat in the parameters' units)"
    return f"ε = {epsilon}" + (flat if which == "log_z_flat" else "")


def report(results, command, seconds, folds, dropped):
    summaries = per_set(results)
    sets = list(results)
    n_folds = sum(len(s) for s in summaries.values())
    main = [
        "| data set | rows × cols | P | path alpha_ | evidence alpha | oracle alpha "
        "| log10(α_MK / alpha_) | MacKay fixed point | R² default (path) "
        "| R² evidence-chosen | R² oracle | evidence − default |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for d in sets:
        s = summaries[d]
        n, p, _ = results[d]["shape"]
        mark = " (holdout)" if d in HOLDOUT else ""
        r2 = {
            k: np.mean([f["r2_" + k] for f in s])
            for k in ("default", "evidence", "oracle")
        }
        main.append(
            f"| {d}{mark} | {n}×{p} | {results[d]['n_params']} "
            f"| {_alpha_text(f['path'] for f in s)} "
            f"| {_alpha_text(f['evidence'] for f in s)} "
            f"| {_alpha_text(f['oracle'] for f in s)} "
            f"| {np.mean([f['log_mk'] for f in s]):+.2f} "
            f"| {_fp_text([f['fixed_point'] for f in s])} "
            f"| {r2['default']:.4f} | {r2['evidence']:.4f} | {r2['oracle']:.4f} "
            f"| {r2['evidence'] - r2['default']:+.4f} |"
        )
    every = [f for d in sets for f in summaries[d]]

    def set_mean(key):
        return float(np.mean([np.mean([f[key] for f in summaries[d]]) for d in sets]))

    gaps = {
        d: float(np.mean([f["r2_evidence"] - f["r2_default"] for f in summaries[d]]))
        for d in sets
    }
    worst = min(gaps, key=gaps.get)
    best = max(gaps, key=gaps.get)
    steps = [f["steps"] for f in every]
    log_mk = [f["log_mk"] for f in every]
    agreement = [
        "| | value |",
        "|---|---|",
        f"| sets | {len(sets)} ({n_folds} folds) |",
        f"| mean R², default (path's alpha_) | {set_mean('r2_default'):.4f} |",
        f"| mean R², evidence-chosen alpha | {set_mean('r2_evidence'):.4f} |",
        "| mean R², best ladder alpha on the test fold (oracle) "
        f"| {set_mean('r2_oracle'):.4f} |",
        "| sets where evidence − default < −0.01 / > +0.01 "
        f"| {sum(g < -0.01 for g in gaps.values())} / "
        f"{sum(g > 0.01 for g in gaps.values())} |",
        f"| worst / best set, evidence − default | {gaps[worst]:+.4f} ({worst}) / "
        f"{gaps[best]:+.4f} ({best}) |",
        "| folds where evidence and path pick the same alpha "
        f"| {sum(s == 0 for s in steps)}/{n_folds} |",
        f"| … within one ladder step | {sum(abs(s) <= 1 for s in steps)}/{n_folds} |",
        "| folds where the evidence's alpha is above / below the path's "
        f"| {sum(s > 0 for s in steps)} / {sum(s < 0 for s in steps)} |",
        f"| mean ladder steps, evidence − path | {np.mean(steps):+.2f} |",
        "| folds where the path / the evidence picks the oracle's alpha "
        f"| {sum(f['path'] == f['oracle'] for f in every)} / "
        f"{sum(f['evidence'] == f['oracle'] for f in every)} |",
        "| log10(α_MK / alpha_) at the default fit: mean, median, range "
        f"| {np.mean(log_mk):+.2f}, {np.median(log_mk):+.2f}, "
        f"[{min(log_mk):+.2f}, {max(log_mk):+.2f}] |",
        "| … with 1/β the posterior_'s σ² (the path's held-out error) instead "
        "of RSS/(N − γ): mean "
        f"| {np.mean([f['log_mk_heldout'] for f in every]):+.2f} |",
        "| default fit's R² − the float-alpha fit's at its alpha_ (largest abs.) "
        f"| {max(abs(f['r2_default_vs_refit']) for f in every):.2g} |",
    ]
    variants = [
        "| bias prior | mean R² of its choice | same alpha as the reported "
        "| same alpha as the path | mean ladder steps − path |",
        "|---|---|---|---|---|",
    ]
    for i, variant in enumerate(VARIANTS):
        r2 = float(
            np.mean([np.mean([f["variant_r2"][i] for f in summaries[d]]) for d in sets])
        )
        v_steps = [
            _ladder_step(f["variants"][i]) - _ladder_step(f["path"]) for f in every
        ]
        same = sum(f["variants"][i] == f["evidence"] for f in every)
        variants.append(
            f"| {_variant_label(variant)}{' (reported)' if i == 0 else ''} "
            f"| {r2:.4f} | {same}/{n_folds} "
            f"| {sum(s == 0 for s in v_steps)}/{n_folds} | {np.mean(v_steps):+.2f} |"
        )
    timing = [
        "| data set | clock | 7 fits + 7 evidences / default fit "
        "| 7 fits + 7 factorisations (G reused) / default fit "
        "| one float-alpha fit / default fit | evidence / fit |",
        "|---|---|---|---|---|---|",
    ]
    keys = ("standalone", "reused_g", "one_fit", "evidence_per_fit")
    ratios = {
        (d, clock): _time_ratios(summaries[d], clock)
        for d in sets
        for clock in ("wall", "cpu")
    }
    for d in sets:
        for clock in ("wall", "cpu"):
            t = ratios[d, clock]
            timing.append(
                f"| {d} | {clock} | " + " | ".join(f"{t[k]:.2f}" for k in keys) + " |"
            )
    for clock in ("wall", "cpu"):
        geo = {k: _geo([ratios[d, clock][k] for d in sets]) for k in keys}
        timing.append(
            f"| **geometric mean** | {clock} | "
            + " | ".join(f"**{geo[k]:.2f}**" for k in keys)
            + " |"
        )
    median_default = statistics.median(
        statistics.median(f["default_s"] for f in summaries[d]) for d in sets
    )
    header = "| data set | " + " | ".join(f"α={a:g}" for a in LADDER)
    per_alpha = [header + " | default |", "|---|" + "---|" * (len(LADDER) + 1)]
    log_z_rows = [header + " |", "|---|" + "---|" * len(LADDER)]
    for d in sets:
        folds_ = results[d]["folds"]
        r2 = [np.mean([f["ladder"][i]["r2"] for f in folds_]) for i in range(7)]
        per_alpha.append(
            f"| {d} | "
            + " | ".join(f"{v:.4f}" for v in r2)
            + f" | {np.mean([f['default']['r2'] for f in folds_]):.4f} |"
        )
        rel = [
            np.mean(
                [
                    (_log_z(f["ladder"][i]) - max(_log_z(g) for g in f["ladder"]))
                    / f["ladder"][i]["n"]
                    for f in folds_
                ]
            )
            for i in range(len(LADDER))
        ]
        log_z_rows.append(f"| {d} | " + " | ".join(f"{v:+.4f}" for v in rel) + " |")
    lines = [
        f"# The evidence against the held-out path: {folds}-fold CV on the "
        f"single-output regression sets with at most {MAX_PARAMS} parameters",
        "",
        *machine_lines(),
        f"- Command: `{command}` ({seconds:.0f} s)",
        f"- Sets: the {len(sets)} single-output sets of bench_realdata_regression.py "
        f"asked for whose default network (n_hidden={N_HIDDEN}, after the "
        f"preprocessing) has at most {MAX_PARAMS} parameters; left out: "
        + (", ".join(f"{d} (P={P})" for d, P in dropped.items()) or "none"),
        "- Holdout sets (its holdout, single-output): "
        f"{', '.join(d for d in HOLDOUT if d in sets) or 'none run'}",
        "- Default = TwoLayerRegressor(random_state=0) (alpha='auto': the path, "
        "then the final fit); ladder = TwoLayerRegressor(alpha=a, random_state=0) "
        f"for a in {', '.join(f'{a:g}' for a in LADDER)}; evidence alpha = the "
        "ladder's argmax of the Laplace log evidence (bench_evidence.py's "
        f"docstring), the biases' prior precision ε = {BIAS_PRECISIONS[0]:g} "
        "(loss units); oracle = the ladder's best test R² (the bound: not "
        "available in practice)",
        "- α_MK: MacKay's re-estimate σ²·γ_w/‖w‖² at the default fit, σ² = "
        "RSS/(N − γ); fixed point: where α_MK(α) = α over the ladder's fits "
        "(geometric mean over the folds)",
        "- A cell with slashes gives the alpha of each fold",
        "- Times: wall-clock and CPU (all threads) on a shared, loaded machine "
        "(2 cores, other jobs running): only their ratios mean something; "
        "median over the folds",
        "",
        *section("Per set (R²: mean over the folds)", main),
        *section("Agreement and accuracy", agreement),
        *section(
            "How much the choice depends on the biases' prior (the flat prior "
            "has no evidence here)",
            variants,
        ),
        *section(
            "Cost of choosing alpha by the evidence, against the default fit "
            f"(median over the folds; median default fit {median_default:.2f} s)",
            timing,
        ),
        *section(
            "Test R² at each alpha of the ladder (mean over the folds)", per_alpha
        ),
        *section(
            "log Z − its largest over the ladder, per training row (mean over the "
            "folds; 0 at the evidence's choice)",
            log_z_rows,
        ),
    ]
    return "\n".join(lines)


#: What follows this line in the results file is written by hand (how the
#: runs were made, what did not work) and kept when the tables are rewritten.
NOTES_MARKER = notes_marker("bench_evidence.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="toy size, 1 set")
    parser.add_argument("--sets", help="comma-separated subset of the data sets")
    parser.add_argument(
        "--out", type=Path, default=HERE / "evidence.md", help="results file"
    )
    parser.add_argument("--json", type=Path, help="also dump the raw results here")
    args = parser.parse_args(argv)
    if args.sets:
        set_names = args.sets.split(",")
        multi = [d for d in set_names if d in SETS and d not in SINGLE_OUTPUT]
        if multi:
            parser.error(f"multi-output sets are not scored here: {multi}")
    elif args.quick:
        set_names = QUICK_SETS
    else:
        set_names = sorted(SINGLE_OUTPUT)
    set_names = checked_sets(set_names, SINGLE_OUTPUT, parser)
    set_names, dropped = eligible_sets(set_names, args.quick)
    if not set_names:
        parser.error(f"every set asked for has more than {MAX_PARAMS} parameters")
    folds = 2 if args.quick else 5
    started = time.perf_counter()
    results = run(
        set_names, folds=folds, quick=args.quick, log=lambda s: print(s, flush=True)
    )
    seconds = time.perf_counter() - started
    command = command_line("bench_evidence.py", argv)
    text = report(results, command, seconds, folds, dropped)
    print(text)
    write_results(args.out, text + kept_notes(args.out, NOTES_MARKER))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
