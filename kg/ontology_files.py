"""Where the ontology files (kg.ttl, shapes.ttl, queries/*.rq) are, installed or not.

pyproject maps the top-level `ontology/` directory to the package `kg.ontology`, so an
installed `kg` finds them through importlib.resources from any directory.
"""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "kg.ontology"


def ontology_dir() -> Traversable:
    """The directory holding kg.ttl, shapes.ttl and queries/."""
    try:
        return importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        # Running from a source checkout that was never `pip install`ed: the package-dir
        # mapping does not exist, but the directory sits beside `kg/`.
        return Path(__file__).resolve().parent.parent / "ontology"


def ontology_path(name: str) -> Traversable:
    """A file of kg.ontology, e.g. `ontology_path("kg.ttl")` or `"queries/chain.rq"`."""
    node = ontology_dir()
    for part in name.split("/"):
        node = node / part
    return node
