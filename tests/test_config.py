"""Settings that have a default computed from the machine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from config import Settings


def test_web_concurrency_is_a_process_per_core_unless_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # away from any .env of the working copy
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert Settings().web_concurrency == os.cpu_count()
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert Settings().web_concurrency == 3
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    with pytest.raises(ValidationError):
        Settings()
