"""Test-session set-up shared by tests/ and the doctests in sk_twolayer/.

scikit-learn's ``check_array_api_input`` skips itself unless SciPy's array API
support is switched on, and SciPy reads the switch when it is first imported.
This file is loaded before any test module, so setting it here lets that check
run instead of being skipped.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")
