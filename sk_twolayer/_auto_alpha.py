"""``alpha="auto"``: the L2 strength chosen from the training data.

A warm-started path over the ladder of alphas (``AUTO_ALPHAS``), scored by
the held-out loss (the cross-entropy; for regression the squared error of
the standardized targets) on ``N_FOLDS`` internal folds, as
LogisticRegressionCV scores its path over C. For each fold, the fit at one
alpha starts from the fit at the previous, weaker one and runs at most
``PATH_STEP`` L-BFGS iterations (the first, from the initial weights,
twice as many): each step shrinks a fitted network towards the stronger
penalty. (Descending instead, a strong alpha collapses the
weights onto the saddle at W = 0, which the weaker alphas after it never
leave.)

**Coarse, then fine.** The held-out loss over log α is U-shaped (too weak
a penalty overfits, too strong a one underfits), so the path brackets its
bottom first and refines it after: it walks every other alpha of the
ladder (``COARSE``: 0.1, 1, 10, 100), stopping once the loss has risen past
its lowest point (twice in a row from the first; counts, whose loss can rise
twice before its bottom, walk all four: ``whole_ladder``), then takes one
more step at the ladder's alpha between the best coarse alpha and its
better neighbour, warm-started from the weaker of the two. ``alpha_`` is the
strongest alpha whose summed validation loss is within half a standard
error (``NOISE_FRACTION``) of the lowest, the standard error being that of
the mean over the held-out rows: the held-out loss is an estimate, and the
path's fits at the weak alphas, cut short after a few iterations, look
better than their converged fits do, so the simpler model within the
estimate's noise is preferred. (Breiman et al.'s one-standard-error rule,
glmnet's ``lambda.1se``, takes a whole standard error; on the development
sets that over-regularised the classifier — participation 1.3 points
lower, over three seeds — where half of one kept its accuracy and still
mended the regressor's noisy targets — wage, R² 0.18 without the rule.)

**What the path costs.** The folds' fits are one L-BFGS run over their
parameters laid end to end (their losses' sum is separable), on the
package's own L-BFGS (``_solvers.path_lbfgs``): its short fits only rank
the alphas, and SciPy's L-BFGS-B, which the final fit keeps, spends more
per call on its bookkeeping than the network's passes cost on small
data. On data of at
most ``PATH_ROWS`` distinct rows the path only ranks alphas, so it computes
in float32 (for data representable in it), and the model is then fitted
from its initial weights, as the folds were: it depends on the path only
through ``alpha_``. Larger data are subsampled for the path by a hash of
each row (the same rows for any order or repetition of the data); there
the final fit, on all the rows, is most of the cost, so it starts from the
mean of the folds' fits at ``alpha_`` (LogisticRegressionCV refits from its
folds' mean coefficients too), which the path then computes in the data's
own dtype. ``alpha`` is a prior's precision in this loss's convention,
``(Σ s ℓ + α/2 ‖W‖²) / m``, not a per-row strength, so the alpha chosen on
the subsample is used as it is; its effect on the fit fades as ``m`` grows.

**Folds that treat a weight like repeated rows.** The folds are made of the
merged rows (``_problem.merge_duplicate_rows``: equal rows and labels become
one row of their summed weight ``w``), and each merged row's weight is
*dealt* to the folds as its copies would be, one unit to each fold in turn::

    o = hash(row, label; key = seed) mod K   # this row's own fold
    share[j] = floor(w / K) + clip((w mod K) − ((j − o) mod K), 0, 1)

A row seen once (w = 1) lands whole in fold ``o``, like an ordinary K-fold
split; a row of weight w has about w/K of it in each validation fold, as
its w copies would under row-level cross-validation (and as the same row
repeated w times, since repeats are merged first). The folds depend on the
merged rows only — not on their order, their repetition or the other rows —
so an integer ``sample_weight`` gives bit for bit the alpha of the repeated
rows. A weight is thus a number of observations, as ``alpha`` is a penalty
per unit of weight (``alpha`` times c with weights times c is the same
model): scaling every weight by c deals each row like c copies of it, as
repeating every row c times would, and the ladder's alphas mean c times
less. Data too large to merge (``_problem.MERGE_LIMIT_BYTES``), which the
final fit takes as they are, are merged for the path by their rows' hashes
(:func:`distinct_by_hash`: a few bytes a row, then a copy of the distinct
rows alone) when the path runs on a subsample of them or when their rows
repeat, at least twice each on average; otherwise the path keeps their
rows as they are: each row's whole weight then goes to its hash's fold, and
repeated rows, having the same hash, share it — integer weights still
match repeats. (The path divides the weights by a power of two near their
largest, and its alphas with them: the same losses, exactly, for weights
of any finite scale, which float32 could not hold as they are.)

**A class weight is not a number of rows.** ``class_weight`` multiplies a
row's weight by its class's factor: the row counts more in the loss, it
does not stand for more observations. Only the observations are dealt (the
merged weight over the class's factor, ``Targets.weight_per_observation``),
and each share carries the class's factor: a minority row of weight 6
under ``class_weight="balanced"`` is held out whole by one fold, where six
copies would have put it in every fold, holding nothing of the minority
class out (the path then chose the weakest penalty it reached; measured in
``benchmarks/class_weight.md``). A class weight and a sample weight still
give the same loss, and integer sample weights the repeated rows' alpha.

**Counts: a weight is an exposure.** For ``loss="poisson"`` scikit-learn's
convention makes the weight an exposure (``y = counts / exposure``,
weight = exposure), in whatever unit the data come in: m² swept by a
trawl, months of service. Read as a number of observations, an exposure
in small units makes every row thousands of copies, dealt to every fold:
nothing is held out, and the path picks the weakest penalty (R's fishing
data, the area swept in m²: ``benchmarks/counts.md``).
So for counts the path reads the weights in units of the average distinct
row's (:func:`weight_unit`: ``Σ w`` over the number of distinct rows of
positive weight, told apart by their hashes) and reports its alphas in the
weights' own unit, that many times larger: the exposure's unit changes
nothing (a power of two, not a bit), as it changes nothing for
PoissonRegressor. The unit depends on the distinct rows and their summed
weights alone, so integer weights still give the alpha of the repeated
rows; merged duplicates, without weights, count as observations relative
to the average distinct row, whose weight is then their mean multiplicity.

Nothing here knows the estimator: it takes arrays and the fit's
:class:`_training.FitConfig`, and returns ``alpha_``, the path's scores and
the final fit's start.
"""

import math
from contextlib import ExitStack
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from . import _blocks, _problem
from . import _network as net
from ._blocks import FullBatchLoss
from ._problem import merge_duplicate_rows, normalized_weights
from ._solvers import DivergenceError, path_lbfgs
from ._targets import best_constant_bias

#: The ladder of alphas, weakest first (the path is warm-started upwards).
AUTO_ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
#: The alphas the path brackets its bottom with, before one finer step.
COARSE = AUTO_ALPHAS[::2]
#: Internal folds scoring the path.
N_FOLDS = 3
#: L-BFGS iterations, at most, per step of the path; the first, a fit from
#: the initial weights rather than a continuation, takes twice as many (in
#: 20, its held-out loss is still that of an early-stopped fit, which
#: flatters the weakest alpha).
PATH_STEP = 20
#: Distinct rows the path is computed on, about, at most: larger data are
#: subsampled for it. The held-out third of this many rows tells the alphas
#: apart; the model is then fitted on all the rows.
PATH_ROWS = 2**14
#: ``partial_fit``'s alpha under ``alpha="auto"`` when no ``fit`` chose one
#: (one pass over a chunk has nothing to hold out): the middle of the ladder
#: (for counts, per average row of the chunk: :func:`exposure_unit`).
PARTIAL_FIT_ALPHA = 1.0
#: The path computes in float32 when the data's largest magnitude is below
#: this (float32's largest value is 3.4e38: products and sums stay finite).
FLOAT32_LIMIT = 1e18
#: A stronger alpha is chosen while its held-out loss is within this many
#: standard errors of the lowest (see the module's text).
NOISE_FRACTION = 0.5


class Choice(NamedTuple):
    """What the path found."""

    #: The chosen alpha (the strongest within the noise of the lowest loss).
    alpha: float
    #: ``{alpha: mean validation loss}`` for every alpha the path
    #: reached, weakest first.
    path: dict
    #: Where the final fit starts on subsampled data: the mean of the folds'
    #: fits at ``alpha`` (flat, as ``_network.pack`` lays out parameters);
    #: None otherwise (the final fit starts from the initial weights).
    start: np.ndarray | None


# --- the rows' hash: folds and subsample -----------------------------------


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
#: Values hashed at a time (the hash's work arrays are a few such blocks).
_HASH_ELEMENTS = 1 << 16


def _mix(h):
    """splitmix64's finaliser, element-wise on a uint64 array (in place):
    every bit of the result depends on every bit of the input."""
    h ^= h >> np.uint64(30)
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def _bits(values):
    """The bit patterns of float values at float32 precision, as uint64:
    the same for float32 and float64 data, and for values equal to float32
    rounding (a regressor's standardized targets of y in other units)."""
    with np.errstate(over="ignore"):  # beyond float32's range: ±inf
        values = np.ascontiguousarray(values, dtype=np.float32)
    return values.view(np.uint32).astype(np.uint64)


def row_hashes(X, Y, key):
    """A keyed 64-bit hash of each row of X with its targets Y (uint64).

    A row's hash is a sum, modulo 2⁶⁴, of one mixed term per *nonzero*
    feature — its column and its value's bits at float32 precision — plus
    one per target, mixed once more with the key: so it depends on the
    row's values only, is the same for a dense row and its sparse (CSR or
    CSC) form and for float32 and float64 data, and equal rows have equal
    hashes. Vectorised, a block of rows at a time.
    """
    keys = np.frombuffer(key[:16].ljust(16, b"\0"), dtype=np.uint64)
    n, d = X.shape
    salt = _mix(np.arange(d + Y.shape[1], dtype=np.uint64) + keys[0])
    sums = np.zeros(n, dtype=np.uint64)
    step = max(1, _HASH_ELEMENTS // (d + Y.shape[1]))
    if sp.issparse(X):
        X = X.tocsr()
    for a in range(0, n, step):
        block, rows = X[a : a + step], slice(a, min(a + step, n))
        if sp.issparse(block):
            terms = _mix(_bits(block.data) ^ salt[block.indices])
            terms[block.data == 0] = 0  # an explicit zero is no feature
            total = np.concatenate([[np.uint64(0)], np.cumsum(terms)])
            sums[rows] = total[block.indptr[1:]] - total[block.indptr[:-1]]
        else:
            terms = _mix(_bits(block) ^ salt[:d])
            terms[block == 0] = 0  # zeros (and −0.0) are left out
            sums[rows] = terms.sum(axis=1)
        sums[rows] += _mix(_bits(Y[rows]) ^ salt[d:]).sum(axis=1)
    sums ^= keys[1]
    return _mix(sums)


def weight_unit(hashes, sample_weight):
    """The average weight of a distinct row: the weights' sum (the count
    of rows, without weights) over the number of distinct hashes among the
    rows of positive weight — 1 for rows seen once with no weights. A
    function of the distinct rows and their summed weights: the same for
    repeated rows and for integer weights."""
    if sample_weight is None:
        return hashes.size / np.unique(hashes).size
    positive = sample_weight > 0
    top = float(sample_weight.max())  # a sum of huge weights may overflow
    total = float(np.sum(sample_weight / top, dtype=np.float64))
    return top * (total / np.unique(hashes[positive]).size)


def exposure_unit(X, Y, sample_weight):
    """:func:`weight_unit` of training rows, hashed here (the number of
    distinct rows does not depend on the hash's key): the unit in which
    ``partial_fit`` and ``return_std`` read counts' weights, as the path
    does."""
    return weight_unit(row_hashes(X, Y, b"exposure unit"), sample_weight)


def fold_offsets(hashes, k):
    """Each row's own fold, ``hash mod k`` (int8: k is small, and large
    data keep only this per row)."""
    return (hashes % np.uint64(k)).astype(np.int8)


def fold_shares(offset, weight, k, deal=True):
    """``share[r, j]``: the part of merged row r's weight in validation fold
    j (the rest of its weight trains fold j's model); rows sum to ``weight``.
    ``offset`` is each row's own fold (:func:`fold_offsets`). Without
    ``deal`` (rows that were not merged: their copies are separate rows with
    the same hash), each row's whole weight is in its fold."""
    offset = offset.astype(np.int64)
    if not deal:
        return weight[:, None] * (np.arange(k) == offset[:, None])
    q, rem = np.divmod(weight.astype(np.float64), k)
    return np.stack(
        [q + np.clip(rem - (j - offset) % k, 0, 1) for j in range(k)], axis=1
    )


def subsample(hashes, positive=None, rows=None):
    """Which rows the path keeps, or None for all: when the data have more
    than ``rows`` (:data:`PATH_ROWS`) distinct rows of positive weight
    (``positive``, None: all), those whose hash, read as a number in
    [0, 1), is below ``rows`` over that count — about ``rows`` of them.
    Repeated rows share their hash, so the repeats of a row and the row
    with an integer weight are kept, or not, alike."""
    rows = PATH_ROWS if rows is None else rows
    if hashes.size <= rows:
        return None
    counted = np.sort(hashes if positive is None else hashes[positive])
    distinct = 1 + np.count_nonzero(counted[1:] != counted[:-1]) if counted.size else 0
    del counted
    if distinct <= rows:
        return None
    # hash / 2⁶⁴ < rows / distinct, in integers (53 bits of the fraction).
    keep = hashes < np.uint64(int(rows / distinct * 2.0**53) << 11)
    return keep if positive is None else keep & positive


def distinct_by_hash(hashes, sample_weight=None, rows=None):
    """One row of each distinct hash among ``rows`` (a boolean mask, None:
    all), in the order of the hashes, and the summed weight of its group
    (a count without weights): the duplicate rows of data too large to
    merge, found from their hashes.
    Rows equal at float32 precision share a hash, which the path, computed
    in float32 or seeding a fit that goes on in the data's dtype, cannot
    tell apart; two different rows share one with a probability of about
    n² / 2⁶⁵. Within a group the weights are summed in sorted order, so
    the result does not depend on the rows' order."""
    index = np.arange(hashes.size) if rows is None else np.flatnonzero(rows)
    hashes = hashes[index]
    if sample_weight is None:
        order = np.argsort(hashes, kind="stable")
    else:
        order = np.lexsort((sample_weight[index], hashes))
    hashes = hashes[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    del hashes
    if sample_weight is None:
        weight = np.diff(np.r_[starts, order.size]).astype(np.float64)
    else:
        weight = np.add.reduceat(sample_weight[index[order]], starts)
    return index[order[starts]], weight


# --- the path ----------------------------------------------------------------


def choose_alpha(config, X, Y, sample_weight, params, key):
    """The :class:`Choice` of alpha on the ladder. X, Y, sample_weight are
    the canonical training rows (merged when small enough; weights None when
    all are 1); ``params`` the fit's initial W1, b1, W2, b2 (each fold starts
    from them, its output biases set to its own best constant with
    ``init="glorot"``); ``key`` seeds the rows' hash (bytes).
    """
    hashes = row_hashes(X, Y, key)
    positive = None if sample_weight is None else sample_weight > 0
    unit = weight_unit(hashes, sample_weight) if config.weights_are_exposures else 1.0
    keep = subsample(hashes, positive)
    nbytes = X.data.nbytes if sp.issparse(X) else X.nbytes
    merged = True
    if nbytes > _problem.MERGE_LIMIT_BYTES:
        # Too large to have been merged. The path takes one row of each
        # hash with their summed weight (found from the hashes alone, a few
        # bytes a row; a copy of those rows only) when it runs on a
        # subsample, or when the rows repeat, at least twice each on
        # average; otherwise it keeps the rows as they are. (The subsample
        # is drawn before the grouping, so that the grouping's work arrays
        # cover its rows only, not every row.)
        rows, weight = distinct_by_hash(
            hashes, sample_weight, positive if keep is None else keep
        )
        count = X.shape[0] if positive is None else np.count_nonzero(positive)
        if keep is not None or 2 * rows.size <= count:
            X, Y, hashes = X[rows], Y[rows], hashes[rows]
            sample_weight = None if np.all(weight == 1) else weight.astype(X.dtype)
        else:
            merged = False
    elif keep is not None:
        # The subsample is small: merged like any small training set (its
        # rows are distinct already when the data were merged).
        rows = np.flatnonzero(keep)
        weight = None if sample_weight is None else sample_weight[rows]
        X, Y, sample_weight = merge_duplicate_rows(X[rows], Y[rows], weight)
        hashes = row_hashes(X, Y, key)
    if unit != 1.0:  # counts: the exposures in the average distinct row's
        weight = (
            np.ones(X.shape[0], X.dtype) if sample_weight is None else sample_weight
        )
        sample_weight = weight / np.asarray(unit, X.dtype)
    # The path's weights are divided by a power of two near the largest, and
    # its alphas with them: the same losses, exactly, inside float32's range
    # for weights of any finite scale. Rows are dealt to the folds, and
    # counted for the standard error, by their undivided weights.
    divisor = 1.0
    if sample_weight is not None:
        divisor = math.ldexp(1.0, math.frexp(float(sample_weight.max()))[1])
        sample_weight = sample_weight / np.asarray(divisor, sample_weight.dtype)
    total = float(X.shape[0] if sample_weight is None else sample_weight.sum())
    if keep is None:  # the path's only product is the choice: float32 will do
        X, Y, sample_weight, params = _path_dtype(X, Y, sample_weight, params)
    offset = fold_offsets(hashes, N_FOLDS)
    if merged:
        weight = (
            np.ones(X.shape[0], dtype=np.float64)
            if sample_weight is None
            else sample_weight.astype(np.float64) * divisor
        )
        # Only the observations a row stands for are dealt as copies; its
        # class's weight (class_weight) follows each share.
        per_observation = None
        if config.weight_per_observation is not None:
            per_observation = config.weight_per_observation(Y)
        if per_observation is None:
            shares = fold_shares(offset, weight, N_FOLDS) / divisor
        else:
            factor = per_observation.astype(np.float64)
            shares = fold_shares(offset, weight / factor, N_FOLDS)
            shares *= (factor / divisor)[:, None]
        weight /= divisor
        sides = [_dealt_sides(weight, share, X.dtype) for share in shares.T]
    else:
        sides = [_own_sides(offset, j, sample_weight, X.dtype) for j in range(N_FOLDS)]
    # A fold with nothing to train on or nothing to score (a few distinct
    # rows) takes no part; without any fold, no choice can be made.
    folds = [
        _Fold(config, X, Y, side, params, subsets=merged)
        for side in sides
        if _takes_part(*side())
    ]
    if not folds:
        return Choice(PARTIAL_FIT_ALPHA * unit, {}, None)
    choice = _Path(folds, total, divisor).walk(seeds_the_fit=keep is not None)
    if unit == 1.0:
        return choice
    path = {alpha * unit: score for alpha, score in choice.path.items()}
    return Choice(choice.alpha * unit, path, choice.start)


def _path_dtype(X, Y, sample_weight, params):
    """The path's arrays in float32 when X is float64 and representable in
    float32 (copies: small, as the path's rows are); as they are otherwise."""
    values = X.data if sp.issparse(X) else X
    if X.dtype != np.float64 or not (
        values.size == 0 or np.abs(values).max() < FLOAT32_LIMIT
    ):
        return X, Y, sample_weight, params
    single = np.float32
    return (
        X.astype(single),
        Y.astype(single),
        None if sample_weight is None else sample_weight.astype(single),
        tuple(p.astype(single) for p in params),
    )


class _Path:
    """The folds' walk over the ladder: coarse, then one finer step."""

    def __init__(self, folds, total, divisor=1.0):
        # ``divisor``: the folds' weights are the rows' divided by it
        # (``total`` too), so their alphas are the ladder's divided by it.
        self.folds, self.total, self.divisor = folds, total, divisor
        self.scores, self.errors, self.states = {}, {}, {}

    def step(self, alpha, start=None):
        """Carry every fold on to ``alpha`` (from the fits at the alpha
        ``start`` when given) and record the summed held-out loss.

        The folds' fits are one L-BFGS run over their parameters laid end
        to end: the sum of their losses is separable, so its minimum is
        theirs, and one run (one line search, one call a step) serves the
        ``N_FOLDS`` fits at a third of the fixed cost of a call each.
        """
        folds = self.folds
        if start is not None:
            for fold, theta in zip(folds, self.states[start]):
                fold.theta = theta.copy()
        cuts = np.cumsum([0] + [fold.theta.size for fold in folds])
        config = folds[0].config
        try:
            with (
                np.errstate(over="ignore", invalid="ignore"),
                ExitStack() as stack,
            ):
                scaled = alpha / self.divisor
                losses = [stack.enter_context(fold.loss(scaled)) for fold in folds]
                result = path_lbfgs(
                    _Joint(losses, cuts),
                    np.concatenate([fold.theta for fold in folds]),
                    max_iter=PATH_STEP if self.scores else 2 * PATH_STEP,
                    tol=config.tol,
                    n_iter_no_change=config.n_iter_no_change,
                    relative=config.relative_tol,
                )
        except DivergenceError:
            score = error = np.inf  # this alpha cannot be chosen; folds stay put
        else:
            for fold, a, b in zip(folds, cuts, cuts[1:]):
                fold.theta = result.theta[a:b].copy()
            total, squares, weight = np.sum(
                [fold.held_out_loss() for fold in folds], axis=0
            )
            score = total / self.total
            # The standard error of that mean over the held-out rows (their
            # weight undivided: it counts them).
            spread = max(squares / weight - (total / weight) ** 2, 0)
            error = np.sqrt(spread / (weight * self.divisor))
        self.scores[alpha], self.errors[alpha] = float(score), float(error)
        self.states[alpha] = [fold.theta.copy() for fold in folds]

    def walk(self, seeds_the_fit):
        coarse = []
        whole_ladder = self.folds[0].config.whole_ladder
        for alpha in COARSE:
            self.step(alpha)
            coarse.append(self.scores[alpha])
            if not whole_ladder and _past_the_bottom(coarse):
                break
        best = _lowest(coarse)
        if len(coarse) > 1:
            # The finer alpha between the best and its better neighbour,
            # from the weaker of the two.
            near = [i for i in (best - 1, best + 1) if i < len(coarse) and i >= 0]
            other = min(near, key=lambda i: coarse[i])
            weaker = COARSE[min(best, other)]
            fine = AUTO_ALPHAS[AUTO_ALPHAS.index(weaker) + 1]
            self.step(fine, start=weaker)
        path = dict(sorted(self.scores.items()))
        alpha = strongest_within_noise(path, self.errors)
        states = self.states[alpha]
        start = np.sum(states, axis=0) / len(states) if seeds_the_fit else None
        return Choice(alpha, path, start)


def strongest_within_noise(path, errors, fraction=None):
    """The strongest alpha of ``path`` ({alpha: held-out loss}) whose loss
    is within ``fraction`` (:data:`NOISE_FRACTION`) of a standard error
    (``errors``, by alpha) of the lowest."""
    fraction = NOISE_FRACTION if fraction is None else fraction
    alphas = list(path)
    lowest = alphas[_lowest(list(path.values()))]
    limit = path[lowest] + fraction * errors[lowest]
    return max(a for a in alphas if path[a] <= limit)


def _lowest(scores):
    """The index of the lowest score; ties go to the stronger penalty (the
    simpler model)."""
    return len(scores) - 1 - int(np.argmin(scores[::-1]))


def _past_the_bottom(scores):
    """Whether the validation loss has risen past its lowest point: for one
    alpha of the coarse ladder (a tenfold stronger penalty) after a bottom
    past the first alpha, for two in a row after a bottom at the first.

    The loss over alpha is U-shaped, so once it climbs from its bottom the
    stronger alphas can only be worse. From the first alpha one rise is not
    enough: there the folds' fits are still some iterations from their
    initial weights (an early-stopped, hence regularised, fit), and the
    loss may rise for an alpha before it falls to its real bottom.
    """
    bottom = int(np.argmin(scores))
    rises = 1 if bottom > 0 else 2
    after = scores[bottom:]
    return len(after) == rises + 1 and all(a < b for a, b in zip(after, after[1:]))


def _takes_part(train_weight, share):
    return bool(np.any(share > 0) and np.any(train_weight > 0))


def _dealt_sides(weight, share, dtype):
    """Fold sides of merged rows: ``sides()`` is the fold's (training
    weight, validation share) for every row, in X's dtype."""
    train_weight, share = (weight - share).astype(dtype), share.astype(dtype)
    return lambda: (train_weight, share)


def _own_sides(offset, j, sample_weight, dtype):
    """Fold sides of rows that were not merged: each row's whole weight on
    the side its hash says. Made anew on each call, so that large data keep
    one byte per row (``offset``) between the steps of the path, not two
    weight vectors per fold."""

    def sides():
        held = offset == j
        if sample_weight is None:
            return (~held).astype(dtype), held.astype(dtype)
        return (
            np.where(held, 0, sample_weight).astype(dtype, copy=False),
            np.where(held, sample_weight, 0).astype(dtype, copy=False),
        )

    return sides


class _Fold:
    """One fold of the path: its training rows and weights, its validation
    rows and shares, and the weights reached so far along the ladder.

    With ``subsets``, each side is a copy of its rows; otherwise (data over
    ``_problem.MERGE_LIMIT_BYTES``, not merged) both sides are all the rows,
    a side's weight 0 on the other's rows: no copy of X, at the price of
    passing over rows that count for nothing; the weights are then made
    again at each step (``sides``) instead of kept.
    """

    def __init__(self, config, X, Y, sides, params, subsets):
        self.config = config
        train_weight, share = sides()
        if subsets:
            train, val = train_weight > 0, share > 0
            X_train, Y_train, train_weight = X[train], Y[train], train_weight[train]
            self.val = X[val], Y[val], share[val]
            self.sides = None
        else:
            X_train, Y_train = X, Y
            self.val = X, Y, None
            self.sides = sides
        self.train = X_train, Y_train
        self.train_weight, self.scale = normalized_weights(train_weight)
        W1, b1, W2, b2 = params
        if config.init == "glorot":
            b2 = best_constant_bias(Y_train, self.train_weight, config.output)
            b2 = b2.astype(X.dtype)
        self.theta = net.pack(W1, b1, W2, b2, dtype=X.dtype)
        if self.sides is not None:
            self.train_weight = None  # made again at each step

    def loss(self, alpha):
        """The fold's training loss at ``alpha``, ``loss, grad = f(theta)``
        (a context manager, :class:`_blocks.FullBatchLoss`)."""
        config = self.config
        train_weight = self.train_weight
        if self.sides is not None:
            train_weight = normalized_weights(self.sides()[0])[0]
        return FullBatchLoss(
            *self.train,
            train_weight,
            alpha / self.scale,
            config.activation,
            config.output,
            config.n_hidden,
        )

    def held_out_loss(self):
        """Σ share · ℓ, Σ share · ℓ² and Σ share over the fold's validation
        rows, ℓ each row's loss (the output's: cross-entropy, squared error)
        under the fold's fit."""
        config = self.config
        X, Y, share = self.val
        if self.sides is not None:
            share = self.sides()[1]
        dims = X.shape[1], config.n_hidden, Y.shape[1]
        with np.errstate(over="ignore", invalid="ignore"):
            Z2 = _blocks.logits(X, *net.unpack(self.theta, *dims), config.activation)
            loss = net.sample_loss(Z2, Y, config.output).astype(np.float64)
        share = np.ones(len(loss)) if share is None else share.astype(np.float64)
        return share @ loss, share @ (loss * loss), share.sum()


class _Joint:
    """``loss, grad = f(theta)`` of several losses over consecutive slices
    of theta (``cuts``): their sum, and their gradients end to end.

    The solver passes the same theta array at every call, so its slices
    are made once, and each loss writes its gradient into its slice of the
    joint one: the losses see the same arrays from call to call (what
    ``_blocks.Propagation`` caches its views of the weights by).
    """

    def __init__(self, losses, cuts):
        self.losses, self.cuts = losses, cuts
        self.theta = self.parts = None

    def __call__(self, theta):
        if theta is not self.theta:
            self.theta, self.grad = theta, np.empty_like(theta)
            bounds = list(zip(self.cuts, self.cuts[1:]))
            self.parts = [theta[a:b] for a, b in bounds]
            for fun, (a, b) in zip(self.losses, bounds):
                fun.grad = self.grad[a:b]
        total = 0.0
        for fun, part in zip(self.losses, self.parts):
            total += fun(part)[0]
        return total, self.grad
