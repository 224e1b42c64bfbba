"""The relations a trace can follow, as a type light enough for the CLI to import at start-up."""

from typing import Literal

RelationName = Literal[
    "implements", "basedOn", "guides", "cites", "amends", "replaces", "repeals", "respondsTo", "all"
]
