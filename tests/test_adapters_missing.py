"""An adapter whose framework is not installed says how to install it, in one line."""

from __future__ import annotations

import importlib
import sys

import pytest

from pagewash.errors import MissingDependencyError

ADAPTERS = [
    ("datatrove", "datatrove", "datatrove"),
    ("nemo_curator", "nemo_curator", "nemo"),
    ("langchain", "langchain_core", "langchain"),
    ("llama_index", "llama_index", "llamaindex"),
    ("haystack", "haystack", "haystack"),
]


@pytest.mark.parametrize(("adapter", "framework", "extra"), ADAPTERS, ids=[a[0] for a in ADAPTERS])
def test_missing_framework_gives_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, adapter: str, framework: str, extra: str
) -> None:
    for name in [m for m in sys.modules if m == framework or m.startswith(framework + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, framework, None)  # `import framework` now fails
    monkeypatch.delitem(sys.modules, f"pagewash.ingest.{adapter}", raising=False)
    with pytest.raises(MissingDependencyError, match=rf"pip install 'pagewash\[{extra}\]'") as info:
        importlib.import_module(f"pagewash.ingest.{adapter}")
    assert isinstance(info.value, ImportError) and "\n" not in str(info.value)
