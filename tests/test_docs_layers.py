"""docs/layers.md is generated from the schema objects and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_layer_docs_are_current() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_layer_docs.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (ROOT / "docs" / "layers.md").read_text(encoding="utf-8") == mod.render(), (
        "docs/layers.md is stale: run `python tools/gen_layer_docs.py`"
    )
