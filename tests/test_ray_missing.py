"""Without Ray installed, the Ray engine says how to install it instead of failing obscurely."""

from __future__ import annotations

import sys

import pytest

from pagewash.ingest import ray as pagewash_ray


def test_missing_ray_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail like a missing one
    with pytest.raises(pagewash_ray.MissingDependencyError, match=r"pagewash\[ray\]"):
        pagewash_ray.convert(object())
