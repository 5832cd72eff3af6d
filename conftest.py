"""Test-session set-up shared by tests/ and the doctests in sk_twolayer/.

scikit-learn's ``check_array_api_input`` skips itself unless SciPy's array API
support is switched on, and SciPy reads the switch when it is first imported.
This file is loaded before any test module, so setting it here lets that check
run instead of being skipped.
"""

import importlib.util
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

# Property-based tests draw their examples from a seed fixed per test, so a
# run of the suite is repeatable: CI cannot turn red on a lucky draw.  Run
# ``HYPOTHESIS_PROFILE=explore pytest tests/test_robustness.py`` to search
# fresh random examples instead.
try:
    from hypothesis import settings
except ImportError:  # hypothesis comes with the "test" extra
    pass
else:
    settings.register_profile("repeatable", derandomize=True, database=None)
    settings.register_profile("explore", derandomize=False)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# sk_twolayer/onnx.py imports skl2onnx at the top (it exists to register a
# converter with it), so its doctest runs only where the "onnx" extra is
# installed -- CI installs it with the "test" extra.
_ONNX_EXTRA = ("skl2onnx", "onnxruntime")
collect_ignore = (
    []
    if all(importlib.util.find_spec(name) for name in _ONNX_EXTRA)
    else ["sk_twolayer/onnx.py"]
)
