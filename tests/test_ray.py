"""The Ray Data adapter on a real local Ray cluster (no mocks): bad pages become error rows."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import ray  # the dev extra installs it: a missing Ray fails here, it never skips

from pagewash.batch import BatchSettings, run_batch
from pagewash.ingest import ray as pagewash_ray
from pagewash.ingest.records import RECORD_FIELDS, Stages, arrow_schema
from pagewash.pipeline import Options
from test_batch_standin import jsonl_line, misbehaving, page, standin_clean, standin_render

STANDIN = Stages(standin_clean, standin_render)


@pytest.fixture(scope="module")
def cluster() -> object:
    tests = str(Path(__file__).parent)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": tests}},
    )
    yield ray
    ray.shutdown()


def test_convert_maps_clean_batch_and_keeps_bad_pages_as_error_rows(cluster: object) -> None:
    rows = [{"link": f"http://r/{i}", "body": page(i), "key": f"k{i}"} for i in range(20)]
    rows += [
        {"link": "http://r/garbage", "body": "\x00\x01" * 300, "key": "bad1"},
        {"link": "http://r/none", "body": None, "key": "bad2"},
        {"link": "http://r/shell", "body": "<nav>menu</nav>", "key": "shell"},
    ]
    dataset = ray.data.from_items(rows)
    out = pagewash_ray.convert(dataset, fields=("link", "body", "key"), batch_size=4, stages=STANDIN)
    records = {r["id"]: r for r in out.take_all()}
    assert len(records) == 23
    assert out.schema().base_schema == arrow_schema()
    assert [records[f"k{i}"]["status"] for i in range(20)] == ["ok"] * 20
    assert records["k3"]["title"] == "Page 3" and records["k3"]["url"] == "http://r/3"
    assert records["bad1"]["status"] == "error" and records["bad1"]["errors"][0]["type"]
    assert records["bad2"]["errors"][0]["type"] == "MissingField"
    assert records["shell"]["status"] == "empty"
    assert all(list(r) == list(RECORD_FIELDS) for r in records.values())


def test_converted_rows_write_to_parquet_with_the_record_schema(cluster: object, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    rows = [{"url": f"http://r/{i}", "html": page(i)} for i in range(3)]
    rows.append({"url": "http://r/bad", "html": "\x00\x01" * 300})
    pagewash_ray.convert(ray.data.from_items(rows), stages=STANDIN).write_parquet(str(tmp_path))
    table = pq.read_table(tmp_path)
    assert table.schema.remove_metadata() == arrow_schema()
    assert sorted(table.column("status").to_pylist()) == ["error", "ok", "ok", "ok"]


def test_engine_ray_reads_the_batch_inputs_and_writes_shards(cluster: object, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for i in range(5):
        (source / f"p{i}.html").write_text(page(i))
    (source / "garbage.html").write_bytes(bytes(range(256)) * 4)
    (source / "r.jsonl").write_bytes(
        jsonl_line(url="http://j/0", html=page(9), id="j0")
        + b"{broken\n"
        + jsonl_line(html="<p>" + "y" * 60_000)
    )
    (source / "big.html").write_bytes(b"<p>" + b"x" * 60_000 + b"</p>")
    (source / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"z" * 2**20))
    out = tmp_path / "out"
    settings = BatchSettings(out_dir=out, engine="ray", quiet=True)
    summary = pagewash_ray.run_batch(
        [source], Options(to="jsonl", max_document_mb=0.05), settings, stages=STANDIN
    )
    assert (summary.converted, summary.empty, summary.failed) == (6, 0, 5)
    rows = [json.loads(line) for f in sorted(out.glob("*.json")) for line in f.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(
        [
            "garbage.html",
            "j0",
            "p0.html",
            "p1.html",
            "p2.html",
            "p3.html",
            "p4.html",
            "r.jsonl#1",
            "big.html",
            "bomb.html.gz",
            "r.jsonl#2",
        ]
    )
    too_large = sorted(r["id"] for r in rows if r["errors"] and r["errors"][0]["type"] == "TooLargeError")
    assert too_large == ["big.html", "bomb.html.gz", "r.jsonl#2"]


def test_engine_ray_refuses_page_formats(cluster: object, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="writes jsonl or parquet"):
        run_batch([tmp_path], Options(to="md"), BatchSettings(out_dir=tmp_path / "o", engine="ray"))


def test_a_slow_page_becomes_a_timeout_row(cluster: object) -> None:
    rows = [{"url": f"http://r/{i}", "html": page(i)} for i in range(3)]
    rows.append({"url": "http://r/slow", "html": "<p>SLOW</p>"})
    out = pagewash_ray.convert(ray.data.from_items(rows), stages=misbehaving(slow=8), timeout=1)
    records = {r["url"]: r for r in out.take_all()}
    assert [records[f"http://r/{i}"]["status"] for i in range(3)] == ["ok"] * 3
    assert records["http://r/slow"]["errors"][0]["type"] == "Timeout"
