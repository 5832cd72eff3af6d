"""Export a fitted TwoLayerClassifier to ONNX with skl2onnx.

Importing this module registers :class:`~sk_twolayer.TwoLayerClassifier`
with `skl2onnx <https://onnx.ai/sklearn-onnx/>`_ -- a parser, a shape
calculator and a converter, through ``skl2onnx.update_registered_converter``
-- so that the ordinary ``skl2onnx.to_onnx`` converts the estimator, alone or
inside a :class:`~sklearn.pipeline.Pipeline` or
:class:`~sklearn.compose.ColumnTransformer`, as it converts
:class:`~sklearn.neural_network.MLPClassifier`. It needs the ``onnx`` extra
(``pip install "sk-twolayer[onnx]"``: skl2onnx, onnx and onnxruntime);
``import sk_twolayer`` never imports it.

The graph is the network, one node per equation (samples are rows)::

    Z1 = X·W1ᵀ + b1        Gemm(X, W1_, b1_, transB=1)
    A1 = g(Z1)             Tanh | Sigmoid | Relu
    Z2 = A1·W2ᵀ + b2       Gemm(A1, W2_, b2_, transB=1)
    A2 = σ(Z2)             Sigmoid (binary, multilabel) | Softmax (multiclass)

followed by the decision rule of ``predict``: for two classes the second
class iff ``p > 0.5`` strictly (a probability of exactly 0.5 gives the first
class), for several classes the ArgMax, and for multilabel targets the
indicator matrix ``A2 > 0.5``; class indices are mapped to ``classes_``.

The outputs are those skl2onnx gives for MLPClassifier: ``label`` and
``probabilities`` (the columns of ``predict_proba``), the latter a list of
dictionaries unless the option ``zipmap=False`` (or ``"columns"``); the
options ``nocl`` (class indices as labels) and ``output_class_labels`` work as
for skl2onnx's own classifiers. A ``DoubleTensorType`` input gives a
float64 graph, any other input a float32 graph. As with skl2onnx's converters,
labels are 64-bit integers (for integer, boolean and whole-number float
classes) or strings.

The converter reads only these fitted attributes: ``W1_``, ``b1_``, ``W2_``,
``b2_``, ``classes_``, ``n_outputs_``, ``out_activation_`` and the parameter
``activation``.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as rt
>>> from skl2onnx import to_onnx
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from sk_twolayer import TwoLayerClassifier, make_flower
>>> import sk_twolayer.onnx  # registers TwoLayerClassifier with skl2onnx
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
"""

import numpy as np
from skl2onnx import update_registered_converter
from skl2onnx.algebra.onnx_ops import (
    OnnxArgMax,
    OnnxCast,
    OnnxConcat,
    OnnxGather,
    OnnxGemm,
    OnnxGreater,
    OnnxIdentity,
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
    guess_proto_type,
)
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes
from skl2onnx.common.utils_classifier import get_label_classes
from skl2onnx.proto import onnx_proto

from ._classifier import TwoLayerClassifier

__all__ = ["convert_two_layer_classifier", "two_layer_classifier_shape_calculator"]

_HIDDEN = {"tanh": OnnxTanh, "sigmoid": OnnxSigmoid, "relu": OnnxRelu}


def _is_multilabel(model):
    # One sigmoid unit per label; a binary problem has a single unit and a
    # multiclass one a softmax output.
    return model.out_activation_ == "sigmoid" and model.n_outputs_ > 1


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
    if _is_multilabel(model):
        n = operator.inputs[0].get_first_dimension()
        operator.outputs[0].set_type(Int64TensorType(shape=[n, model.n_outputs_]))


def convert_two_layer_classifier(scope, operator, container):
    """The network's equations, then predict's decision rule (see the module
    docstring)."""
    model = operator.raw_operator
    opv = container.target_opset
    label_out, proba_out = operator.outputs[0], operator.outputs[1]
    proto = guess_proto_type(operator.inputs[0].type)
    dtype = np.float64 if proto == onnx_proto.TensorProto.DOUBLE else np.float32
    X = operator.inputs[0]
    if not isinstance(X.type, (FloatTensorType, DoubleTensorType)):
        X = OnnxCast(X, to=onnx_proto.TensorProto.FLOAT, op_version=opv)

    W1, b1, W2, b2 = (
        np.asarray(p, dtype=dtype) for p in (model.W1_, model.b1_, model.W2_, model.b2_)
    )
    Z1 = OnnxGemm(X, W1, b1, transB=1, op_version=opv)
    A1 = _HIDDEN[model.activation](Z1, op_version=opv)
    Z2 = OnnxGemm(A1, W2, b2, transB=1, op_version=opv)
    if model.out_activation_ == "softmax":
        A2 = OnnxSoftmax(Z2, axis=1, op_version=opv)
    else:
        A2 = OnnxSigmoid(Z2, op_version=opv)

    half = np.array([0.5], dtype=dtype)
    if _is_multilabel(model):
        P = A2
        label = OnnxCast(
            OnnxGreater(A2, half, op_version=opv),
            to=onnx_proto.TensorProto.INT64,
            op_version=opv,
        )
    else:
        if model.out_activation_ == "softmax":
            P = A2
            index = OnnxArgMax(P, axis=1, keepdims=0, op_version=opv)
        else:
            # Binary: P = [1 − p, p]; the second class iff p > 0.5 strictly.
            one = np.array([1], dtype=dtype)
            P = OnnxConcat(OnnxSub(one, A2, op_version=opv), A2, axis=1, op_version=opv)
            index = OnnxReshape(
                OnnxCast(
                    OnnxGreater(A2, half, op_version=opv),
                    to=onnx_proto.TensorProto.INT64,
                    op_version=opv,
                ),
                np.array([-1], dtype=np.int64),
                op_version=opv,
            )
        classes = _onnx_labels(get_label_classes(scope, model))
        label = OnnxGather(classes, index, axis=0, op_version=opv)

    OnnxIdentity(label, op_version=opv, output_names=[label_out]).add_to(
        scope, container
    )
    OnnxIdentity(P, op_version=opv, output_names=[proba_out]).add_to(scope, container)


update_registered_converter(
    TwoLayerClassifier,
    "SkTwoLayerClassifier",
    two_layer_classifier_shape_calculator,
    convert_two_layer_classifier,
    options={
        "zipmap": [True, False, "columns"],
        "output_class_labels": [False, True],
        "nocl": [True, False],
    },
)
