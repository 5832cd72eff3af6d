"""y to the targets Y the network trains on, with what describes them: the
output unit, the sample weights, how validation is scored, and the mean
target (the best constant model).

Classification (:func:`encode`): labels to the 0/1 matrix Y, the classes,
the class and sample weights; sigmoid or softmax units, scored by accuracy.
Regression (:func:`standardize`): y to Y standardized by its weighted mean
and standard deviation, with the ``"identity"`` unit, scored by R²; the
scaling is folded back into the model's output layer
(:meth:`RegressionTargets.to_model`). Counts (:func:`count_targets`): y ≥ 0
to Y = y / its weighted mean, with the ``"exp"`` unit, scored by D² on the
Poisson deviance; the scale is folded into the output bias as its log
(:meth:`CountTargets.to_model`).

Functions of arrays (and a fitted ``LabelBinarizer``); the estimator stores
what :func:`encode` and :func:`standardize` return. Sums that set a fit's
start are exact whatever the order of the rows and whether a weight is a
weight or repeated rows (:func:`class_priors`, :func:`exact_weighted_sums`):
a last bit that depended on either would change the whole solver path.
"""

import math
from typing import NamedTuple

import numpy as np
from scipy.special import xlogy
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from . import _network as net
from ._sklearn_private import _check_sample_weight

SUPPORTED_TARGETS = ("binary", "multiclass", "multilabel-indicator")


class Targets(NamedTuple):
    """What the labels y become for training."""

    #: The fitted LabelBinarizer: classes_ and the way back to labels.
    encoder: LabelBinarizer
    #: 0/1 targets, one column per output unit, in X's dtype.
    Y: np.ndarray
    #: Effective sample weights (class weights folded in); None when all are 1.
    sample_weight: np.ndarray | None
    #: The labels as given, 1-D; None for multilabel targets.
    labels: np.ndarray | None
    #: Each class's ``class_weight`` factor, by class code; None without.
    class_factors: np.ndarray | None = None

    @property
    def output(self):
        """The output unit: softmax for several classes, sigmoid units for
        two classes (one unit) and for multilabel targets."""
        return "softmax" if self.encoder.y_type_ == "multiclass" else "sigmoid"

    @property
    def score(self):
        """The validation score of early stopping: :func:`accuracy`."""
        return accuracy

    #: lbfgs's ``tol`` rule is relative to the loss: the cross-entropy's
    #: scale depends on the data (it falls towards 0 on separable classes).
    relative_tol = True

    #: alpha="auto" may stop its coarse walk past the bottom of the held-out
    #: loss (``_auto_alpha._past_the_bottom``).
    whole_ladder = False

    #: A sample weight counts observations (an integer weight is that many
    #: repeated rows), so alpha="auto" deals it to its folds as copies.
    weights_are_exposures = False

    def weight_per_observation(self, Y):
        """The factor of each row's weight (rows of 0/1 targets Y) that is
        not a number of observations: its class's ``class_weight``; None
        without class weights. A class weight makes a row count more in the
        loss, not more rows: alpha="auto" deals only the observations to its
        folds (``_auto_alpha``), so that a minority row weighted 6 is held
        out whole, as a row of it would be."""
        if self.class_factors is None:
            return None
        codes = Y[:, 0].astype(np.intp) if Y.shape[1] == 1 else np.argmax(Y, axis=1)
        return self.class_factors[codes]

    def to_model(self, params):
        """The model's W1, b1, W2, b2 from the trained ones: the same (the
        targets are the labels' 0/1 codes)."""
        return params

    def from_model(self, params):
        """The weights to train on from the model's: the same."""
        return params


def encode(y, X, sample_weight, class_weight, encoder=None, partial=False):
    """Binarized targets, effective sample weights and labels of y.

    ``encoder`` is the fitted LabelBinarizer that y must agree with (warm
    start, partial_fit), or None to fit a new one.
    """
    check_classification_targets(y)
    target_type = type_of_target(y, input_name="y")
    if target_type not in SUPPORTED_TARGETS:
        raise ValueError(
            "TwoLayerClassifier supports binary, multiclass and "
            f"multilabel-indicator targets; y is {target_type!r}."
        )
    multilabel = target_type == "multilabel-indicator"
    if encoder is None:
        encoder = LabelBinarizer().fit(y)
    else:
        check_targets_agree(y, target_type, encoder, partial)
    Y = binarize(encoder, y, multilabel, X.dtype)
    labels = None if multilabel else y
    if sample_weight is None and class_weight is None:
        return Targets(encoder, Y, None, labels)  # no array of ones: data stay lean
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    factors = None
    if class_weight is not None:
        if multilabel:
            raise ValueError(
                "class_weight is not supported for multilabel targets; pass "
                "sample_weight instead."
            )
        codes = np.searchsorted(encoder.classes_, y)
        factors = class_weights(class_weight, encoder.classes_, codes, sample_weight)
        sample_weight = sample_weight * factors[codes].astype(X.dtype)
    if not sample_weight.sum() > 0:
        raise ValueError("sample_weight sums to zero: no sample has any weight.")
    return Targets(encoder, Y, sample_weight, labels, factors)


def binarize(encoder, y, multilabel, dtype):
    """The 0/1 targets Y, as ``encoder.transform(y)`` gives them, built from
    the class codes without its intermediate integer matrices (a few bytes a
    row instead of tens, for large data)."""
    if multilabel:
        Y = encoder.transform(y)
        return np.asarray(Y.toarray() if hasattr(Y, "toarray") else Y, dtype=dtype)
    codes = np.searchsorted(encoder.classes_, y)
    if encoder.y_type_ == "binary":
        return (codes == 1).astype(dtype)[:, None]
    Y = np.zeros((len(codes), len(encoder.classes_)), dtype=dtype)
    np.put_along_axis(Y, codes[:, None], 1, axis=1)
    return Y


def check_targets_agree(y, target_type, encoder, partial):
    """y must fit the classes of a fitted model (warm start, partial_fit)."""
    what = "partial_fit" if partial else "warm_start"
    if (target_type == "multilabel-indicator") != (
        encoder.y_type_ == "multilabel-indicator"
    ):
        raise ValueError(
            f"{what}: y is {target_type!r} but the model was fitted on "
            f"{encoder.y_type_!r} targets."
        )
    if target_type == "multilabel-indicator":
        if y.shape[1] != len(encoder.classes_):
            raise ValueError(
                f"{what}: y has {y.shape[1]} labels, the model has "
                f"{len(encoder.classes_)}."
            )
        return
    seen = np.unique(y)
    if partial:
        unseen = np.setdiff1d(seen, encoder.classes_)
        if len(unseen):
            raise ValueError(
                f"partial_fit: y has labels {unseen.tolist()} that are not in "
                f"classes_ {encoder.classes_.tolist()}; pass every class "
                "with `classes` on the first call."
            )
    elif not np.array_equal(seen, encoder.classes_):
        raise ValueError(
            "warm_start needs y with the same classes as the fitted model: "
            f"the model has {encoder.classes_.tolist()}, y has {seen.tolist()}."
        )


def encoder_for_classes(classes, y):
    """The LabelBinarizer of partial_fit's first call."""
    if type_of_target(y, input_name="y") == "multilabel-indicator":
        encoder = LabelBinarizer().fit(y)
        if not np.array_equal(np.asarray(classes), encoder.classes_):
            raise ValueError(
                f"For multilabel y, classes must be the label indices "
                f"{encoder.classes_.tolist()}; got {list(classes)}."
            )
        return encoder
    classes = np.unique(column_or_1d(classes))
    if len(classes) < 2:
        raise ValueError(
            f"classes must hold at least 2 classes; got {classes.tolist()}."
        )
    return LabelBinarizer().fit(classes)


def check_two_classes(labels, sample_weight, classes):
    """fit needs 2 classes that carry weight (not so multilabel targets,
    whose ``labels`` are None); ``classes`` are the sorted labels."""
    if labels is None:
        return
    index = np.searchsorted(classes, labels)
    mass = np.bincount(index, weights=sample_weight, minlength=len(classes))
    present = classes[mass > 0]
    if len(present) < 2:
        raise ValueError(
            "TwoLayerClassifier needs samples of at least 2 classes with "
            f"positive weight; the data has {len(present)} class: "
            f"{present.tolist()}."
        )


def class_weights(class_weight, classes, class_index, sample_weight):
    """Each class's weight, from ``class_weight`` (a dict or ``"balanced"``);
    ``class_index``: each sample's class code."""
    if isinstance(class_weight, dict):
        unknown = [c for c in class_weight if c not in set(classes.tolist())]
        if unknown:
            raise ValueError(
                f"class_weight has labels {unknown} that are not classes of y "
                f"({classes.tolist()})."
            )
        weights = np.array([class_weight.get(c, 1.0) for c in classes.tolist()])
        if np.any(weights < 0) or not np.all(np.isfinite(weights)):
            raise ValueError(
                f"class_weight values must be finite and >= 0; got {class_weight}."
            )
    else:  # "balanced"
        mass = np.bincount(
            class_index,
            weights=power_of_two_scaled(sample_weight),
            minlength=len(classes),
        )
        present = mass > 0
        weights = np.zeros(len(classes))
        weights[present] = mass.sum() / (present.sum() * mass[present])
    return weights


def power_of_two_scaled(weight):
    """weight · 2^−k with the largest value in [0.5, 1): no overflow in sums,
    and exact, so weighted and repeated data still round alike."""
    return np.ldexp(weight, -int(np.frexp(weight.max())[1]))


def class_priors(Y, sample_weight):
    """The (weighted) share of each class, the mean of the 0/1 targets Y."""
    if sample_weight is None:
        return Y.mean(axis=0, dtype=np.float64)  # counts: exact in any order
    # Each sum taken over its weights sorted, so that it rounds the same for
    # any order of the rows: a last bit of b2 that depended on the order
    # would change the whole solver path (w @ Y did, by 1e-7 in float32, and
    # 15 gd steps grew it to 7e-5).
    w = power_of_two_scaled(sample_weight)
    total = np.sort(w).sum(dtype=np.float64)
    p = np.array(
        [np.sort(w[Y[:, k] > 0]).sum(dtype=np.float64) for k in range(Y.shape[1])]
    )
    return p / total


def accuracy(Z2, Y, sample_weight, output):
    """Weighted accuracy of the logits Z2 against the 0/1 targets Y, by
    ``predict``'s rule (:func:`_network.decide`); for sigmoid units a row is
    right when every label is. Writes over Z2."""
    A2 = net.probabilities(Z2, output)
    correct = net.decide(A2, output) == net.decide(Y, output)
    if correct.ndim == 2:  # sigmoid units: every label right
        correct = np.all(correct, axis=1)
    w = sample_weight
    return float(w @ correct / w.sum())


# --- regression ---------------------------------------------------------------


class RegressionTargets(NamedTuple):
    """What a continuous y becomes for training: Y = (y − mean) / scale."""

    #: The standardized targets, one column per output, in X's dtype.
    Y: np.ndarray
    #: The sample weights as given (checked, in X's dtype); None when all are 1.
    sample_weight: np.ndarray | None
    #: float64 arrays of shape (n_outputs,): Y = (y − mean) / scale.
    mean: np.ndarray
    scale: np.ndarray
    #: No labels: the validation split is not stratified.
    labels: None = None

    @property
    def output(self):
        """The identity output unit, trained on the squared error."""
        return "identity"

    @property
    def score(self):
        """The validation score of early stopping: :func:`r2`."""
        return r2

    #: lbfgs's ``tol`` rule is absolute: the squared error of standardized
    #: targets has a fixed scale (the best constant model's is 1/2), while
    #: relative to itself the rule tightens without end as a fit nears its
    #: rows (1000 iterations on a one-hot set, no better on held-out rows).
    relative_tol = False

    #: alpha="auto" may stop its coarse walk past the bottom of the held-out
    #: loss (``_auto_alpha._past_the_bottom``).
    whole_ladder = False

    #: A sample weight counts observations (an integer weight is that many
    #: repeated rows), so alpha="auto" deals it to its folds as copies.
    weights_are_exposures = False

    #: No class weights: every row's weight counts observations.
    weight_per_observation = None

    def to_model(self, params):
        """The model's W1, b1, W2, b2 from the weights trained on the
        standardized targets: ŷ = scale · (A1·W2ᵀ + b2) + mean, so that
        ``W2_ = scale · W2``, ``b2_ = scale · b2 + mean`` and the four arrays
        predict y in its own units."""
        W1, b1, W2, b2 = params
        scale, mean = self.scale, self.mean
        W2_ = (scale[:, None] * W2).astype(W2.dtype, copy=False)
        b2_ = (scale * b2 + mean).astype(b2.dtype, copy=False)
        return W1, b1, W2_, b2_

    def from_model(self, params):
        """The inverse of :meth:`to_model`, to continue training a fitted
        model (warm_start, partial_fit), exact to rounding."""
        W1, b1, W2, b2 = params
        scale, mean = self.scale, self.mean
        W2s = (W2 / scale[:, None]).astype(W2.dtype, copy=False)
        b2s = ((b2 - mean) / scale).astype(b2.dtype, copy=False)
        return W1, b1, W2s, b2s


def standardize(y, X, sample_weight, scaling=None, what="fit"):
    """The regression targets of a numeric y (1-D or 2-D), in X's dtype.

    ``scaling`` is the ``(mean, scale)`` of an earlier fit to continue in
    (warm_start, partial_fit: ``what`` names the caller in errors); None
    computes it from y and the weights (:func:`target_scaling`).
    """
    if y.dtype.kind not in "biuf":
        raise ValueError(
            f"TwoLayerRegressor needs a numeric y; y has dtype {y.dtype} "
            "(encode categories as numbers, or use TwoLayerClassifier)."
        )
    y = np.asarray(y, dtype=np.float64)
    y = y.reshape(len(y), -1)
    sample_weight = _checked_weights(sample_weight, X)
    if scaling is None:
        mean, scale = target_scaling(y, sample_weight)
    else:
        mean, scale = scaling
        if y.shape[1] != len(mean):
            raise ValueError(
                f"{what}: y has {y.shape[1]} output(s) but the model was fitted "
                f"on {len(mean)}; refit from scratch to change the outputs."
            )
    with np.errstate(over="ignore", invalid="ignore"):
        Y = (y - mean) / scale
    if not np.isfinite(Y).all():
        raise ValueError(
            f"{what}: (y − mean) / scale overflows float64 (mean "
            f"{mean.tolist()}, scale {scale.tolist()}): y's values are too far "
            "apart, or too far from those of the fit being continued. Rescale y."
        )
    return RegressionTargets(Y.astype(X.dtype), sample_weight, mean, scale)


def target_scaling(y, sample_weight):
    """``mean, scale``: y's weighted mean and standard deviation per output
    (float64 arrays), the sums exact (:func:`exact_weighted_sums`), so
    that an integer weight gives bit for bit the scaling of repeated rows.

    An output of constant y (a standard deviation at the rounding of the
    mean, 4 ε of its largest value) is scaled by |mean| instead, 1 for a
    constant 0: y in other units still gives the same standardized targets.
    """
    # Computed on each output times 2^−k, its largest value then in
    # [0.5, 1), exactly: no square overflows, the exact products
    # (two_product) have the range they need, and mean and deviation are
    # scaled back exactly at the end. The deviation is at most the largest
    # value, so it stays finite.
    ys, shift = _power_of_two_columns(y)
    w = None if sample_weight is None else power_of_two_scaled(sample_weight)
    w = None if w is None else w.astype(np.float64)
    total = len(y) if w is None else exact_sum(w)
    mean = exact_weighted_sums(ys, w) / total
    deviation = np.square(ys - mean)
    std = np.sqrt(exact_weighted_sums(deviation, w) / total)
    constant = std <= 4 * np.finfo(np.float64).eps * np.abs(ys).max(axis=0)
    scale = np.ldexp(np.where(constant, np.abs(mean), std), shift)
    scale[scale == 0] = 1.0
    return np.ldexp(mean, shift), scale


def _power_of_two_columns(V):
    """V with each column scaled by a power of two to a largest magnitude in
    [0.5, 1) (exact; a column of zeros as it is), and the exponents."""
    top = np.abs(V).max(axis=0)
    shift = np.where(top > 0, np.frexp(top)[1], 0)
    return np.ldexp(V, -shift), shift


def exact_weighted_sums(V, weight):
    """Σ_i w_i V_ik for each column k, exactly rounded (the exact products,
    :func:`two_product`, summed exactly, :func:`exact_sum`), hence the same
    for any order of the rows and for an integer weight as for that many
    copies of a row. ``weight`` None: all 1. Needs |V|, |w| ≤ 1 (no
    overflow in the split)."""
    sums = np.empty(V.shape[1])
    for k in range(V.shape[1]):
        if weight is None:
            sums[k] = exact_sum(V[:, k])
        else:
            product, error = two_product(weight, V[:, k])
            sums[k] = math.fsum(_exact_parts(product) + _exact_parts(error))
    return sums


def exact_sum(values):
    """The sum of the float64 ``values``, exactly rounded (as ``math.fsum``,
    several times faster on large arrays)."""
    return math.fsum(_exact_parts(values))


def _exact_parts(values):
    """A few floats whose sum is exactly that of ``values`` (finite, |v| ≤ 1).

    Rump, Ogita and Oishi's extraction ("Accurate floating-point summation",
    2008): with σ a power of two above 4n·max|v|, ``q = (σ + v) − σ`` is v
    rounded to a multiple of 2⁻⁵³σ, exactly, and v − q is exact too; every
    partial sum of the q's is such a multiple below σ, so ``q.sum()`` is
    exact in any order. Each pass takes about 50 − log2(n) bits off every
    value; the remainders go to the next pass until none is left.
    """
    parts = []
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[v != 0]
    while v.size:
        top = float(np.abs(v).max())
        exponent = math.frexp(top)[1] + max(v.size - 1, 1).bit_length() + 2
        sigma = math.ldexp(1.0, exponent)
        q = (sigma + v) - sigma
        parts.append(float(q.sum()))
        v = v - q
        v = v[v != 0]
    return parts


def two_product(a, b):
    """``p, e`` with p = fl(a·b) and p + e = a·b exactly (Dekker's product,
    Veltkamp's split; exact unless e underflows)."""
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return p, e


def _split(a):
    """a = hi + lo, each of at most 26 significant bits."""
    c = 134217729.0 * a  # 2^27 + 1
    hi = c - (c - a)
    return hi, a - hi


def target_means(Y, sample_weight):
    """The weighted mean of each column of the continuous targets Y, exact
    (:func:`exact_weighted_sums`)."""
    Ys, shift = _power_of_two_columns(np.asarray(Y, dtype=np.float64))
    w = None
    if sample_weight is not None:
        w = power_of_two_scaled(sample_weight).astype(np.float64)
    total = len(Y) if w is None else exact_sum(w)
    return np.ldexp(exact_weighted_sums(Ys, w) / total, shift)


class CountTargets(NamedTuple):
    """What a count (or rate) y ≥ 0 becomes for training: Y = y / scale,
    scale its weighted mean, so that the best constant model is e^0 = 1
    and the curvature of the loss, e^z, is about 1 as for the squared error
    of standardized targets (alpha and the learning rates mean the same)."""

    #: The scaled targets, one column per output, in X's dtype.
    Y: np.ndarray
    #: The sample weights as given (checked, in X's dtype); None when all are 1.
    sample_weight: np.ndarray | None
    #: float64 array of shape (n_outputs,): Y = y / scale (the weighted mean).
    scale: np.ndarray
    #: No labels: the validation split is not stratified.
    labels: None = None

    @property
    def output(self):
        """The exponential output unit, trained on half the Poisson deviance."""
        return "exp"

    @property
    def score(self):
        """The validation score of early stopping: :func:`d2_poisson`."""
        return d2_poisson

    #: lbfgs's ``tol`` rule is relative to the loss, as for the
    #: cross-entropy: the deviance's scale depends on the data (half the
    #: deviance of the best constant model is about half the squared
    #: coefficient of variation of y, 1/(2ȳ) for Poisson counts of mean ȳ).
    relative_tol = True

    #: alpha="auto" walks every coarse alpha: the held-out deviance of the
    #: path's short fits can rise twice from the weakest alpha before it
    #: falls to its bottom, where the walk would stop at the weakest
    #: (measured on AER's DoctorVisits: benchmarks/design_measurements.md).
    #: The walk costs one or two more path steps.
    whole_ladder = True

    #: A sample weight is an exposure (scikit-learn's convention for its
    #: Poisson models: y = counts / exposure, weight = exposure), in any
    #: unit: m² swept, months of service. alpha="auto" reads the weights
    #: relative to their mean over the distinct rows, so that the unit
    #: changes nothing (``_auto_alpha.choose_alpha``).
    weights_are_exposures = True

    #: No class weights (the exposures are read as above).
    weight_per_observation = None

    def to_model(self, params):
        """The model's W1, b1, W2, b2 from the weights trained on y / scale:
        ŷ = scale · e^{A1·W2ᵀ + b2} = e^{A1·W2ᵀ + b2 + log scale}, so that
        ``b2_ = b2 + log scale`` and the four arrays predict y in its own
        units."""
        W1, b1, W2, b2 = params
        b2_ = (b2 + np.log(self.scale)).astype(b2.dtype, copy=False)
        return W1, b1, W2, b2_

    def from_model(self, params):
        """The inverse of :meth:`to_model` (warm_start, partial_fit), exact
        to rounding."""
        W1, b1, W2, b2 = params
        b2s = (b2 - np.log(self.scale)).astype(b2.dtype, copy=False)
        return W1, b1, W2, b2s


def count_targets(y, X, sample_weight, scale=None, what="fit"):
    """The targets of a count or rate y ≥ 0 (1-D or 2-D), in X's dtype.

    ``scale`` is that of an earlier fit to continue in (warm_start,
    partial_fit: ``what`` names the caller in errors); None computes it:
    y's weighted mean per output (:func:`target_means`, exact), which must
    be positive.
    """
    if y.dtype.kind not in "biuf":
        raise ValueError(
            f"TwoLayerRegressor(loss='poisson') needs a numeric y; y has dtype "
            f"{y.dtype}."
        )
    y = np.asarray(y, dtype=np.float64)
    y = y.reshape(len(y), -1)
    if np.any(y < 0):
        raise ValueError(
            "TwoLayerRegressor(loss='poisson') needs y >= 0 (counts or rates); "
            f"y has {np.count_nonzero(y < 0)} negative value(s), the smallest "
            f"{y.min():.6g}. Use loss='squared_error' for a y of any sign."
        )
    sample_weight = _checked_weights(sample_weight, X)
    if scale is None:
        scale = target_means(y, sample_weight)
        if not np.all(scale > 0):
            zero = np.flatnonzero(~(scale > 0)).tolist()
            raise ValueError(
                "TwoLayerRegressor(loss='poisson') needs a positive weighted "
                f"sum of y for each output; output(s) {zero} sum to 0 over "
                "the samples of positive weight (a Poisson model of them "
                "would predict 0, whose log is -inf)."
            )
    elif y.shape[1] != len(scale):
        raise ValueError(
            f"{what}: y has {y.shape[1]} output(s) but the model was fitted "
            f"on {len(scale)}; refit from scratch to change the outputs."
        )
    with np.errstate(over="ignore"):
        Y = y / scale
    if not np.isfinite(Y).all():
        raise ValueError(
            f"{what}: y / scale overflows float64 (scale {scale.tolist()}): y "
            "is too large for the scale of the fit being continued. Rescale y."
        )
    return CountTargets(Y.astype(X.dtype), sample_weight, scale)


def _checked_weights(sample_weight, X):
    """sample_weight checked (non-negative, in X's dtype, positive sum), or
    None."""
    if sample_weight is None:
        return None
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    if not sample_weight.sum() > 0:
        raise ValueError("sample_weight sums to zero: no sample has any weight.")
    return sample_weight


def check_validation_size(sample_weight, n_samples, fraction):
    """early_stopping's validation rows (those of positive weight, split as
    ``train_test_split`` does: ``ceil(fraction · n)``) must be at least 2,
    for the validation score (R², or D² for counts) to be defined, as
    MLPRegressor requires."""
    if sample_weight is not None:
        n_samples = int(np.count_nonzero(sample_weight > 0))
    n_validation = math.ceil(fraction * n_samples)
    if n_validation < 2:
        raise ValueError(
            f"The validation set is too small for early_stopping: "
            f"validation_fraction={fraction} of {n_samples} samples of positive "
            f"weight gives {n_validation}, and the validation score (R², D² for "
            "counts) needs at least 2. Raise "
            "validation_fraction, pass more samples, or set early_stopping=False."
        )


def r2(Z2, Y, sample_weight, output="identity"):
    """R² of the predictions Z2 (A2 = Z2) of Y, weighted, averaged over the
    outputs, as ``sklearn.metrics.r2_score``: 1 − Σ w (y − ŷ)² / Σ w (y − ȳ)²;
    an output whose Y is constant scores 1 when predicted exactly, else 0.
    Unchanged by y's units, so it may be taken on the standardized targets."""
    w = np.asarray(sample_weight, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    residual = w @ np.square(Y - Z2)
    total = w @ np.square(Y - (w @ Y) / w.sum())
    scores = np.where(residual == 0, 1.0, 0.0)
    varied = total > 0
    scores[varied] = 1 - residual[varied] / total[varied]
    return float(scores.mean())


def d2_poisson(Z2, Y, sample_weight, output="exp"):
    """D² of the logits Z2 (A2 = e^Z2) of the counts Y on the Poisson
    deviance, weighted, averaged over the outputs, as
    ``sklearn.metrics.d2_tweedie_score(power=1)``:
    1 − Σ w d(y, ŷ) / Σ w d(y, ȳ); an output whose Y is constant scores 1
    when predicted exactly, else 0 (as :func:`r2`). Unchanged by y's units,
    so it may be taken on the scaled targets. Writes over Z2."""
    w = np.asarray(sample_weight, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    Z2 = np.asarray(Z2, dtype=np.float64)
    A2 = net.poisson_mean(Z2)
    mean = (w @ Y) / w.sum()
    residual = w @ _unit_deviance(Y, A2)
    total = w @ _unit_deviance(Y, np.broadcast_to(mean, Y.shape))
    scores = np.where(residual == 0, 1.0, 0.0)
    varied = total > 0
    scores[varied] = 1 - residual[varied] / total[varied]
    return float(scores.mean())


def _unit_deviance(Y, A):
    """The Poisson deviance of each count: 2 (y log(y / a) − y + a)."""
    return 2 * (xlogy(Y, Y) - xlogy(Y, A) - Y + A)


# --- the best constant model ----------------------------------------------------

#: Each output unit's mean target, the A2 of the best constant model.
MEAN_TARGETS = {
    "sigmoid": class_priors,
    "softmax": class_priors,
    "identity": target_means,
    "exp": target_means,
}


def best_constant_bias(Y, sample_weight, output):
    """Output biases of the best constant model: the output's inverse link
    of the (weighted) mean target — the class log-priors (log-odds for
    sigmoid units), the mean for the identity unit, its log for the
    exponential unit (float64)."""
    return net.INVERSE_LINKS[output](MEAN_TARGETS[output](Y, sample_weight))
