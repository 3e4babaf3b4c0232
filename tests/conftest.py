"""Shared test configuration: the --update-golden switch and paths."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

# Frameworks under test phone home (Haystack's and LlamaIndex's telemetry, Ray's usage stats):
# tests never send traffic off this machine.
for _name, _value in (
    ("HAYSTACK_TELEMETRY_ENABLED", "False"),
    ("RAY_USAGE_STATS_ENABLED", "0"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("DO_NOT_TRACK", "1"),
    ("HF_HUB_OFFLINE", "1"),
):
    os.environ.setdefault(_name, _value)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def content_cases() -> list[Path]:
    """Fixture folders whose page has main content (``case.toml`` does not say "empty")."""
    cases = []
    for page in sorted(FIXTURES.glob("*/input.html")):
        case = tomllib.loads(page.with_name("case.toml").read_text(encoding="utf-8"))
        if case.get("status", "ok") != "empty":
            cases.append(page.parent)
    return cases


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite fixtures/*/expected.md from the current output (review the diff!)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
