"""Triage fixtures: English UI, and the background task run at once."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"

