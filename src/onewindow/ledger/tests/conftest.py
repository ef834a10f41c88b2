"""Ledger test fixtures: keys and witness state in a per-test directory, never the real home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onewindow.ledger import keys


@pytest.fixture(autouse=True)
def ledger_dirs(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Point the key and witness directories at ``tmp_path`` and forget cached keys."""
    settings.LEDGER = {
        **settings.LEDGER,
        "KEY_DIR": tmp_path / "keys",
        "WITNESS_DIR": tmp_path / "witness",
        "SIGNING_KEYS": "",
        "VERIFIER_KEYS": "",
        "GENERATE_KEY": True,
    }
    keys.clear_cache()
    yield tmp_path
    keys.clear_cache()
