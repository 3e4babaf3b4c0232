"""The batch run with the real pipeline, on a few pages written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from pagewash.batch import ERRORS_FILE, RECORDS_FILE, BatchSettings, run_batch
from pagewash.ingest.records import RECORD_FIELDS, clean_record
from pagewash.pipeline import Options
from test_batch_standin import jsonl_line, warc_record, write_warc

CHROME = """
<header><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About us</a>
<form><input name="q"><button>Search</button></form></header>
<nav class="breadcrumbs"><a href="/">Home</a> › <a href="/science">Science</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
"""
FOOTER = """<footer><p>© 2024 Example Media. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({event: "view"});</script>"""

ENGLISH = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Glaciers in retreat: what the new survey shows | Example Media</title>
<meta name="author" content="Maria Lindqvist"></head><body>{CHROME}
<main><article><h1>Glaciers in retreat: what the new survey shows</h1>
<p class="byline">By Maria Lindqvist</p>
<p>A survey of more than two hundred alpine glaciers found that most of them lost between a
fifth and a third of their volume over the past two decades, with the steepest losses on
south-facing slopes below three thousand metres.</p>
<p>The researchers combined aerial photographs from the 1990s with recent laser scans. They
say the method reduces the uncertainty of older estimates, which relied on a handful of
reference glaciers measured by hand every autumn.</p>
<h2>Why the lower glaciers melt faster</h2>
<p>Thin ice warms through more quickly, and dark debris on the surface absorbs sunlight.
Once a glacier breaks into separate tongues, each of them loses mass faster than the whole
did, the authors write.</p>
<ul><li>Glaciers below 3,000 m lost the most ice.</li>
<li>Debris-covered ice melted up to twice as fast.</li></ul>
<p>The team plans to repeat the scans every five years and to publish the data openly.</p>
</article></main>{FOOTER}</body></html>"""

RUSSIAN = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Как устроена городская библиотека будущего</title></head><body>{CHROME}
<div id="content"><h1>Как устроена городская библиотека будущего</h1>
<p>Новая библиотека в центре города открылась после трёх лет реконструкции. Вместо
тесных читальных залов здесь теперь просторные залы с окнами во всю стену, мастерские
и комнаты для занятий.</p>
<p>Директор библиотеки рассказала, что посещаемость за первый месяц выросла втрое. Больше
всего читателей приходит по вечерам, поэтому библиотека работает до десяти часов.</p>
<p>Фонд пополнили книгами на двенадцати языках, а старые издания оцифровали и выложили
в открытый доступ на сайте библиотеки.</p></div>{FOOTER}</body></html>"""

LOGIN_WALL = f"""<html><head><title>Sign in</title></head><body>{CHROME}
<div class="login"><h2>Sign in to continue reading</h2><form><input name="user">
<input type="password" name="pass"><button>Sign in</button></form>
<a href="/register">Create an account</a></div>{FOOTER}</body></html>"""


def _corpus(root: Path) -> None:
    (root / "site").mkdir(parents=True)
    (root / "site" / "glaciers.html").write_text(ENGLISH, encoding="utf-8")
    (root / "site" / "library.htm").write_bytes(RUSSIAN.encode("cp1251"))
    (root / "site" / "login.html").write_text(LOGIN_WALL, encoding="utf-8")
    (root / "feed.jsonl").write_bytes(jsonl_line(url="https://example.org/glaciers", html=ENGLISH, id="g1"))
    write_warc(
        root / "crawl.warc.gz",
        [
            warc_record(
                "https://example.org/library",
                RUSSIAN.encode("cp1251"),
                content_type="text/html; charset=windows-1251",
                number=1,
            )
        ],
    )


def test_the_real_pipeline_converts_pages_files_records_and_warc(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    out = tmp_path / "out"
    settings = BatchSettings(out_dir=out, workers=2, quiet=True)
    summary = run_batch([tmp_path / "in"], Options(), settings)
    assert (summary.converted, summary.empty, summary.failed) == (4, 1, 0)
    glaciers = (out / "site" / "glaciers.md").read_text(encoding="utf-8")
    assert "most of them lost between a" in " ".join(glaciers.split())
    assert "Accept all cookies" not in glaciers and "dataLayer" not in glaciers
    library = (out / "crawl" / "000000.md").read_text(encoding="utf-8")
    assert "посещаемость за первый месяц выросла втрое" in " ".join(library.split())
    assert (out / "site" / "library.md").exists() and (out / "feed" / "000000.md").exists()
    errors = [json.loads(line) for line in (out / ERRORS_FILE).read_text().splitlines()]
    assert [(e["input"], e["status"], e["type"]) for e in errors] == [
        ("site/login.html", "empty", "NoContent")
    ]


def test_the_real_pipeline_fills_records(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    out = tmp_path / "out"
    run_batch([tmp_path / "in"], Options(to="jsonl"), BatchSettings(out_dir=out, quiet=True))
    records = [json.loads(line) for line in (out / RECORDS_FILE).read_text().splitlines()]
    by_id = {r["id"]: r for r in records}
    assert all(list(r) == list(RECORD_FIELDS) for r in records)
    assert by_id["g1"]["status"] == "ok" and "Glaciers in retreat" in (by_id["g1"]["title"] or "")
    assert not by_id["g1"]["text"].startswith("---")
    warc = next(r for r in records if r["url"] == "https://example.org/library")
    assert warc["status"] == "ok" and "библиотека" in warc["text"]


def test_clean_record_with_the_real_pipeline_never_raises() -> None:
    for html in (ENGLISH, RUSSIAN.encode("cp1251"), b"\x00\xff" * 100, "", LOGIN_WALL):
        record = clean_record({"url": "https://example.org/x", "html": html})
        assert record["status"] in {"ok", "empty", "error"}
        assert (record["status"] == "ok") == (record["errors"] == [])
