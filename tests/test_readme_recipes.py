"""The README's framework recipes, run as written (read from README.md, so they cannot drift)
in a folder holding what they read: ``pages/`` (HTML files), ``crawl/crawl.warc.gz``,
``records/pages.jsonl``."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import ray  # the recipes' frameworks are all in `make test`: a missing one fails, never skips

from adapter_pages import NEWS, PAGES, url_of, write_folder, write_warc
from conftest import ROOT

RECIPE = re.compile(r"<!-- recipe: (\w+) -->\n```python\n(.*?)```", re.S)


def readme_recipes() -> dict[str, str]:
    return dict(RECIPE.findall((ROOT / "README.md").read_text(encoding="utf-8")))


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_folder(tmp_path / "pages")
    (tmp_path / "crawl").mkdir()
    write_warc(tmp_path / "crawl" / "crawl.warc.gz")
    (tmp_path / "records").mkdir()
    rows = [{"url": url_of(p), "html": p.html.decode("utf-8"), "id": p.name} for p in PAGES]
    (tmp_path / "records" / "pages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def ray_cluster(workspace: Path) -> Iterator[None]:
    """Started inside the workspace: Ray workers resolve relative paths from the driver's folder."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def check_datatrove(ns: dict[str, Any], root: Path) -> None:
    rows = [
        json.loads(line)
        for f in (root / "clean").glob("*.jsonl.gz")
        for line in gzip.decompress(f.read_bytes()).decode("utf-8").splitlines()
    ]
    assert sorted(r["metadata"]["title"] for r in rows) == sorted(p.title for p in PAGES)


def check_nemo(ns: dict[str, Any], root: Path) -> None:
    from pagewash.ingest.nemo_curator import PagewashHTMLExtractor

    [stage] = ns["pipeline"].stages
    assert isinstance(stage.extractor.algorithm, PagewashHTMLExtractor)


def check_langchain(ns: dict[str, Any], root: Path) -> None:
    assert len(ns["docs"]) == 3 + 3  # three page files, three pages in the WARC
    assert ns["clean_docs"][0].metadata["title"] == NEWS.title


def check_llamaindex(ns: dict[str, Any], root: Path) -> None:
    titles = [d.metadata["title"] for d in ns["docs"]]
    assert len(titles) == 3 + 2 and titles.count(NEWS.title) == 2  # WARC + top-level pages/


def check_haystack(ns: dict[str, Any], root: Path) -> None:
    assert [d.meta["title"] for d in ns["docs"]][:2] == [NEWS.title, NEWS.title]
    assert len(ns["docs"]) == 1 + 3


def check_ray(ns: dict[str, Any], root: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(root / "clean")
    assert sorted(table.column("title").to_pylist()) == sorted(p.title for p in PAGES)


CHECKS: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "datatrove": check_datatrove,
    "nemo": check_nemo,
    "langchain": check_langchain,
    "llamaindex": check_llamaindex,
    "haystack": check_haystack,
    "ray": check_ray,
}


def test_every_recipe_is_checked() -> None:
    assert sorted(readme_recipes()) == sorted(CHECKS)


@pytest.mark.parametrize("name", sorted(set(CHECKS) - {"ray"}))
def test_framework_recipe_runs_as_written(name: str, workspace: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(readme_recipes()[name], f"README.md#{name}", "exec"), namespace)
    CHECKS[name](namespace, workspace)


def test_ray_recipe_runs_as_written(ray_cluster: None, workspace: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(readme_recipes()["ray"], "README.md#ray", "exec"), namespace)
    check_ray(namespace, workspace)
