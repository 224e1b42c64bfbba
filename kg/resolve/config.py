"""The corpus's own settings, from an optional `kg.toml` in the corpus folder:

    jurisdiction = "Cao Bằng"   # the province whose local symbols (…/TU, …/UBND) the texts use

Without it, each text's province is detected from the text (the one it names most), falling back
to the lexicon's default province.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel

CONFIG_FILE = "kg.toml"


class CorpusConfig(BaseModel):
    jurisdiction: str | None = None


def corpus_config(corpus: Path) -> CorpusConfig:
    path = Path(corpus) / CONFIG_FILE
    if not path.is_file():
        return CorpusConfig()
    return CorpusConfig(**tomllib.loads(path.read_text(encoding="utf-8")))
