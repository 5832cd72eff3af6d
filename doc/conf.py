"""Sphinx configuration of the sk-twolayer documentation.

Build from the repository root (warnings are errors, as in CI)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html doc doc/_build/html

and open ``doc/_build/html/index.html``.
"""

import importlib
import pkgutil
import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent
ROOT = DOC.parent
sys.path.insert(0, str(ROOT))  # the package of this checkout, installed or not

import sk_twolayer  # noqa: E402

project = "sk-twolayer"
author = "sk-twolayer developers"
copyright = "sk-twolayer developers, BSD 3-Clause License"
version = release = sk_twolayer.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# benchmarks/ is a link to the repository's benchmarks/ folder: its Markdown
# results files are pages of the site as they are (no copies), and a new
# results file there is picked up by the Benchmarks page's glob.
exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    "benchmarks/out",
    "api_listing.rst",  # generated below, included by api.rst
    "benchmarks/solvers.md",  # a table without a title: included where shown
]
templates_path = ["_templates"]

# The API reference: one page per public name, from its numpydoc docstring.
autosummary_generate = ["api_listing.rst"]
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# No network at build time: intersphinx is not used, links to scikit-learn
# and NumPy are written out.

myst_heading_anchors = 3  # "#speed-and-memory" style links inside RESULTS.md

html_theme = "pydata_sphinx_theme"
html_title = f"sk-twolayer {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
# Pages without sub-pages need no left-hand navigation.
html_sidebars = {page: [] for page in ["course", "getting_started", "development"]}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False


# sphinx-gallery: examples/plot_*.py are run at build time and their figures
# (and the animation, as JavaScript-driven HTML that needs no ffmpeg) are
# put in the page. examples/dask_search.py and examples/out_of_core.py are
# command-line scripts with their own tests: not part of the gallery.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(^|[/\\])(dask_search|out_of_core)\.py$",
    "matplotlib_animations": (True, "jshtml"),
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 0,
    "abort_on_example_error": False,  # report every failing example; -W fails
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "reference_url": {"sk_twolayer": None},
    "doc_module": ("sk_twolayer",),
    "backreferences_dir": "generated/backreferences",
}


def public_modules():
    """sk_twolayer and its public submodules (no leading underscore)."""
    names = ["sk_twolayer"]
    for info in pkgutil.iter_modules(sk_twolayer.__path__):
        if not info.name.startswith("_"):
            names.append(f"sk_twolayer.{info.name}")
    return names


def public_names(module_name):
    """The names a module exports: its __all__, or what it defines itself."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            name
            for name, obj in vars(module).items()
            if not name.startswith("_")
            and getattr(obj, "__module__", None) == module_name
            and callable(obj)
        ]
    return sorted(n for n in names if not n.startswith("__"))


def write_api_listing():
    """doc/api_listing.rst: an autosummary table per public module.

    Whatever is public when the site is built is documented: a name added to
    ``sk_twolayer.__all__`` or a new public submodule (``sk_twolayer.onnx``)
    gets its page without an edit here. A name already documented under
    ``sk_twolayer`` (``datasets.make_flower``) is not repeated.
    """
    lines = []
    documented = set()
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        names = public_names(module_name)
        new = [n for n in names if n not in documented]
        summary = (module.__doc__ or "").strip().splitlines()[0]
        lines += [f"``{module_name}``", "-" * (len(module_name) + 4), ""]
        lines += [f".. py:module:: {module_name}", "", summary, ""]
        lines += [f".. currentmodule:: {module_name}", ""]
        if new:
            lines += [
                ".. autosummary::",
                "   :toctree: generated/",
                "   :template: autosummary/entry.rst",
                "",
            ]
            lines += [f"   {name}" for name in new] + [""]
        aliases = [n for n in names if n in documented]
        if aliases:
            links = ", ".join(f":obj:`sk_twolayer.{n}`" for n in aliases)
            lines += [f"Also here: {links}.", ""]
        documented.update(new)
    target = DOC / "api_listing.rst"
    text = "\n".join(lines)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


# Written when this file is read, before Sphinx looks for documents.
write_api_listing()

MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([\w-]+)\.md\)")


def link_benchmark_pages(app, docname, source):
    """In benchmarks/*.md, a link to a sibling results file becomes a {doc}
    reference. MyST would resolve the file through the benchmarks/ link to
    the folder outside doc/ and not find the page."""
    if docname.startswith("benchmarks/"):

        def to_doc_role(match):
            text = match[1].replace("`", "")
            return "{doc}`" + f"{text} <{match[2]}>`"

        source[0] = MARKDOWN_LINK.sub(to_doc_role, source[0])


def sklearn_references_as_text(app, env, node, contnode):
    """Methods inherited from scikit-learn (``score``, ``set_fit_request``,
    ...) keep scikit-learn's docstrings, whose references point into
    scikit-learn's own site (its glossary, its user guide). Without network
    access at build time they cannot be linked: they are set as text. Any
    other unresolved reference still fails the build."""
    if "docstring of sklearn." in (node.source or ""):
        return contnode
    return None


def setup(app):
    app.connect("source-read", link_benchmark_pages)
    app.connect("missing-reference", sklearn_references_as_text)
