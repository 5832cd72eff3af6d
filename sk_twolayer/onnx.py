"""Export a fitted TwoLayerClassifier or TwoLayerRegressor to ONNX with skl2onnx.

Importing this module registers :class:`~sk_twolayer.TwoLayerClassifier`
and :class:`~sk_twolayer.TwoLayerRegressor` with `skl2onnx
<https://onnx.ai/sklearn-onnx/>`_ -- a parser, a shape calculator and a
converter each, through ``skl2onnx.update_registered_converter`` -- so that
the ordinary ``skl2onnx.to_onnx`` converts the estimators, alone or inside a
:class:`~sklearn.pipeline.Pipeline` or
:class:`~sklearn.compose.ColumnTransformer`, as it converts
:class:`~sklearn.neural_network.MLPClassifier` and
:class:`~sklearn.neural_network.MLPRegressor`. It needs the ``onnx`` extra
(``pip install "sk-twolayer[onnx]"``: skl2onnx, onnx and onnxruntime);
``import sk_twolayer`` never imports it.

The graph is the network, one node per equation (samples are rows)::

    Z1 = X·W1ᵀ + b1        Gemm(X, W1_, b1_, transB=1)
    A1 = g(Z1)             Tanh | Sigmoid | Relu
    Z2 = A1·W2ᵀ + b2       Gemm(A1, W2_, b2_, transB=1)
    A2 = σ(Z2)             Sigmoid (binary, multilabel) | Softmax (multiclass)
                           (the regressor: none, A2 = Z2;
                           with loss="poisson": Exp(Min(Max(Z2, lo), hi)))

**The regressor**'s graph ends there: its one output, ``variable``, is
``predict``'s values as an (N, n_outputs) tensor -- (N, 1) for a single
output, as skl2onnx gives MLPRegressor's -- in the input's float type. With
``loss="poisson"`` the exponential output clips the logits to the graph's
float range first (``_network.EXP_RANGE``), as ``predict`` does
(``_network.poisson_mean``), so the values are finite and > 0.

**The classifier**'s graph goes on with the decision rule of ``predict``:
for two classes the second class iff ``p > 0.5`` strictly (a probability of
exactly 0.5 gives the first class), for several classes the ArgMax, and for
multilabel targets the indicator matrix ``A2 > 0.5``; class indices are
mapped to ``classes_``.

The outputs are those skl2onnx gives for MLPClassifier: ``label`` and
``probabilities`` (the columns of ``predict_proba``), the latter a list of
dictionaries unless the option ``zipmap=False`` (or ``"columns"``); the
options ``nocl`` (class indices as labels) and ``output_class_labels`` work as
for skl2onnx's own classifiers. A ``DoubleTensorType`` input gives a
float64 graph, any other input a float32 graph. As with skl2onnx's converters,
labels are 64-bit integers (for integer, boolean and whole-number float
classes) or strings.

The converters read only these fitted attributes: ``W1_``, ``b1_``, ``W2_``,
``b2_``, ``classes_`` (the classifier), ``n_outputs_``, ``out_activation_``
and the parameter ``activation``.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as rt
>>> from skl2onnx import to_onnx
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from sk_twolayer import TwoLayerClassifier, make_flower
>>> import sk_twolayer.onnx  # registers both estimators with skl2onnx
>>> X, y = make_flower(random_state=1)
>>> X = X.astype(np.float32)
>>> model = make_pipeline(
...     StandardScaler(), TwoLayerClassifier(n_hidden=4, random_state=0)
... ).fit(X, y)
>>> onx = to_onnx(model, X[:1], options={"zipmap": False})
>>> session = rt.InferenceSession(
...     onx.SerializeToString(), providers=["CPUExecutionProvider"]
... )
>>> label, proba = session.run(None, {"X": X})
>>> bool(np.array_equal(label, model.predict(X)))
True
>>> bool(np.allclose(proba, model.predict_proba(X), atol=1e-5))
True

The regressor, the same way:

>>> from sk_twolayer import TwoLayerRegressor
>>> y_cont = X[:, 0] ** 2 + X[:, 1]
>>> reg = TwoLayerRegressor(n_hidden=4, random_state=0).fit(X, y_cont)
>>> session = rt.InferenceSession(
...     to_onnx(reg, X[:1]).SerializeToString(), providers=["CPUExecutionProvider"]
... )
>>> (values,) = session.run(None, {"X": X})
>>> values.shape, bool(np.allclose(values[:, 0], reg.predict(X), atol=1e-4))
((400, 1), True)
"""

import numpy as np
from skl2onnx import update_registered_converter
from skl2onnx._parse import _parse_sklearn_classifier, _parse_sklearn_simple_model
from skl2onnx.algebra.onnx_ops import (
    OnnxArgMax,
    OnnxCast,
    OnnxConcat,
    OnnxExp,
    OnnxGather,
    OnnxGemm,
    OnnxGreater,
    OnnxIdentity,
    OnnxMax,
    OnnxMin,
    OnnxRelu,
    OnnxReshape,
    OnnxSigmoid,
    OnnxSoftmax,
    OnnxSub,
    OnnxTanh,
)
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
)
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from skl2onnx.common.utils import check_input_and_output_numbers
from skl2onnx.common.utils_classifier import get_label_classes
from skl2onnx.proto import onnx_proto
from sklearn.utils.validation import check_is_fitted

from ._classifier import TwoLayerClassifier
from ._network import EXP_RANGE
from ._regressor import TwoLayerRegressor

__all__ = [
    "convert_two_layer_classifier",
    "convert_two_layer_regressor",
    "parse_two_layer_classifier",
    "parse_two_layer_regressor",
    "two_layer_classifier_shape_calculator",
    "two_layer_regressor_shape_calculator",
]

_HIDDEN = {"tanh": OnnxTanh, "sigmoid": OnnxSigmoid, "relu": OnnxRelu}


#: The output units of ``_network.OUTPUTS`` (None: the identity, A2 = Z2;
#: the exponential unit is :func:`_exponential`).
_OUTPUT = {"sigmoid": OnnxSigmoid, "softmax": OnnxSoftmax, "identity": None}


def _exponential(Z2, dtype, opv):
    """A2 = e^Z2, the logits clipped first to ``_network.EXP_RANGE`` of the
    graph's float type (as ``_network.poisson_mean``): finite and > 0."""
    low, high = (np.array([b], dtype=dtype) for b in EXP_RANGE[np.dtype(dtype)])
    Z2 = OnnxMin(OnnxMax(Z2, low, op_version=opv), high, op_version=opv)
    return OnnxExp(Z2, op_version=opv)


def _target_kind(model):
    """'multiclass' (a softmax output), 'binary' (one sigmoid unit) or
    'multilabel' (one sigmoid unit per label)."""
    if model.out_activation_ == "softmax":
        return "multiclass"
    return "binary" if model.n_outputs_ == 1 else "multilabel"


def _onnx_labels(classes):
    """classes_ as an ONNX label tensor: int64 or strings, as skl2onnx does.
    Float labels are whole numbers (scikit-learn takes others for a
    regression target)."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    return np.array([str(c) for c in classes], dtype=object)


def two_layer_classifier_shape_calculator(operator):
    """Output types: ``label`` (N,) -- (N, n_labels) for multilabel targets --
    and ``probabilities`` (N, n_classes), in the input's float type."""
    calculate_linear_classifier_output_shapes(operator)
    model = operator.raw_operator
    if _target_kind(model) == "multilabel":
        n = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType(shape=[n, model.n_outputs_]))


def _network(X, model, dtype, opv):
    """The forward pass, one node per equation; returns A2."""
    W1, b1, W2, b2 = (
        np.asarray(p, dtype=dtype) for p in (model.W1_, model.b1_, model.W2_, model.b2_)
    )
    Z1 = OnnxGemm(X, W1, b1, transB=1, op_version=opv)  # Z1 = X·W1ᵀ + b1
    A1 = _HIDDEN[model.activation](Z1, op_version=opv)  # A1 = g(Z1)
    Z2 = OnnxGemm(A1, W2, b2, transB=1, op_version=opv)  # Z2 = A1·W2ᵀ + b2
    if model.out_activation_ == "exp":
        return _exponential(Z2, dtype, opv)  #                 A2 = e^Z2
    output = _OUTPUT[model.out_activation_]
    return Z2 if output is None else output(Z2, op_version=opv)  # A2 = σ(Z2)


def _float_input(operator, opv):
    """The input and the graph's float type: float64 for a DoubleTensorType
    input, else float32 (integers and booleans cast to it)."""
    X = operator.inputs[0]
    if isinstance(X.type, DoubleTensorType):
        return X, np.float64
    if not isinstance(X.type, FloatTensorType):  # integers, booleans
        X = OnnxCast(X, to=onnx_proto.TensorProto.FLOAT, op_version=opv)
    return X, np.float32


def _above_one_half(A, dtype, opv):
    """1 where A > 0.5 strictly, else 0 (int64): exactly 0.5 gives 0."""
    half = np.array([0.5], dtype=dtype)
    return OnnxCast(
        OnnxGreater(A, half, op_version=opv),
        to=onnx_proto.TensorProto.INT64,
        op_version=opv,
    )


def convert_two_layer_classifier(scope, operator, container):
    """The network's equations, then predict's decision rule (see the module
    docstring)."""
    model = operator.raw_operator
    opv = container.target_opset
    X, dtype = _float_input(operator, opv)

    A2 = _network(X, model, dtype, opv)
    kind = _target_kind(model)
    if kind == "multilabel":
        P, label = A2, _above_one_half(A2, dtype, opv)
    else:
        if kind == "binary":  # P = [1 − p, p]; the second class iff p > 0.5
            one = np.array([1], dtype=dtype)
            P = OnnxConcat(OnnxSub(one, A2, op_version=opv), A2, axis=1, op_version=opv)
            minus_one = np.array([-1], dtype=np.int64)
            index = OnnxReshape(
                _above_one_half(A2, dtype, opv), minus_one, op_version=opv
            )
        else:  # the first of tied classes, as np.argmax
            P = A2
            index = OnnxArgMax(P, axis=1, keepdims=0, op_version=opv)
        classes = _onnx_labels(get_label_classes(scope, model))  # handles nocl
        label = OnnxGather(classes, index, axis=0, op_version=opv)

    label_out, proba_out = operator.outputs[:2]
    OnnxIdentity(label, op_version=opv, output_names=[label_out]).add_to(
        scope, container
    )
    OnnxIdentity(P, op_version=opv, output_names=[proba_out]).add_to(scope, container)


def parse_two_layer_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx's classifier parser (the ZipMap step or not, the
    ``output_class_labels`` output), after a check that the model is fitted."""
    check_is_fitted(model)
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


update_registered_converter(
    TwoLayerClassifier,
    "SkTwoLayerClassifier",
    two_layer_classifier_shape_calculator,
    convert_two_layer_classifier,
    parser=parse_two_layer_classifier,
    options={
        "zipmap": [True, False, "columns"],
        "output_class_labels": [False, True],
        "nocl": [True, False],
    },
)


def two_layer_regressor_shape_calculator(operator):
    """Output type: ``variable`` (N, n_outputs) in the input's float type
    (float32 for integer or boolean input)."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    n = operator.inputs[0].get_first_dimension()
    kind = operator.inputs[0].type
    tensor = DoubleTensorType if isinstance(kind, DoubleTensorType) else FloatTensorType
    operator.outputs[0].set_type(tensor([n, operator.raw_operator.n_outputs_]))


def convert_two_layer_regressor(scope, operator, container):
    """The network's equations; the identity output is ``predict``'s values."""
    model = operator.raw_operator
    opv = container.target_opset
    X, dtype = _float_input(operator, opv)
    values = _network(X, model, dtype, opv)
    OnnxIdentity(values, op_version=opv, output_names=[operator.outputs[0]]).add_to(
        scope, container
    )


def parse_two_layer_regressor(scope, model, inputs, custom_parsers=None):
    """skl2onnx's parser of a simple model (one output, ``variable``), after a
    check that the model is fitted."""
    check_is_fitted(model)
    return _parse_sklearn_simple_model(scope, model, inputs, custom_parsers)


update_registered_converter(
    TwoLayerRegressor,
    "SkTwoLayerRegressor",
    two_layer_regressor_shape_calculator,
    convert_two_layer_regressor,
    parser=parse_two_layer_regressor,
)
