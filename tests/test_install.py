"""What `pip install pagewash` brings: what conversion needs, the same repair data everywhere,
and no cluster engine, dataframe library or framework (those are extras)."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
HEAVY = {
    "ray",
    "pyarrow",
    "pandas",
    "torch",
    "datatrove",
    "nemo-curator",
    "langchain-core",
    "llama-index-core",
    "haystack-ai",
}


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[;\s]", r, maxsplit=1)[0].lower() for r in requirements}


def test_base_dependencies_are_lean_and_carry_the_misspelling_list() -> None:
    base = names(PROJECT["dependencies"])
    assert not base & HEAVY
    assert {"codespell", "httpx", "pypandoc-binary"} <= base  # same repairs in every install


def test_every_adapter_is_an_extra_and_the_test_install_has_them_all() -> None:
    extras = PROJECT["optional-dependencies"]
    for extra, package in (
        ("datatrove", "datatrove"),
        ("nemo", "nemo-curator"),
        ("langchain", "langchain-core"),
        ("llamaindex", "llama-index-core"),
        ("haystack", "haystack-ai"),
        ("ray", "ray"),
    ):
        assert package in names(extras[extra])
    assert extras["adapters"] == ["pagewash[datatrove,nemo,langchain,llamaindex,haystack]"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e '.[dev,adapters]'" in makefile and "install --quiet -e .\n" in makefile
