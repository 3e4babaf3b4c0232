"""clean_record / clean_batch: a fixed, Arrow-friendly row per page, never an exception."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pagewash.document import Change, Document
from pagewash.errors import NotHTMLError
from pagewash.ingest.records import (
    CHANGE_KEYS,
    ERROR_KEYS,
    RECORD_FIELDS,
    Stages,
    clean_batch,
    clean_record,
    describe_error,
)
from pagewash.pipeline import Options
from test_batch_standin import misbehaving, page, standin_clean, standin_render

STANDIN = Stages(standin_clean, standin_render)


def _with_change(data: bytes | str, options: Options) -> Document:
    doc = standin_clean(data, options)
    change = Change(
        stage="repair", rule="apostrophe", before="Russias", after="Russia's", block="0", offset=3
    )
    return replace(doc, changes=(change, Change(stage="extract", rule="nav", before="Home", after="")))


def _fails_in_repair(data: bytes | str, options: Options) -> Document:
    namespace = {"__name__": "pagewash.repair.engine"}
    exec("def fix(text):\n    return text[10**9 // 0]\n", namespace)
    return namespace["fix"](data)


def test_a_record_has_every_field_with_fixed_types() -> None:
    record = clean_record({"url": "http://a/1", "html": page(1), "id": 5}, stages=STANDIN)
    assert list(record) == list(RECORD_FIELDS)
    assert record["id"] == "5" and record["url"] == "http://a/1"
    assert record["title"] == "Page 1" and record["status"] == "ok" and record["errors"] == []
    assert record["text"].startswith("# Page 1\n\nParagraph one") and record["format"] == "md"
    assert record["authors"] == [] and record["keywords"] == [] and record["changes"] == []


def test_changes_are_dicts_with_the_same_keys_and_types() -> None:
    record = clean_record({"html": page(2)}, stages=Stages(_with_change, standin_render))
    assert [list(c) for c in record["changes"]] == [list(CHANGE_KEYS)] * 2
    assert record["changes"][0]["offset"] == 3 and record["changes"][0]["block"] == "0"
    assert record["changes"][1]["offset"] is None and record["changes"][1]["reason"] == ""


def test_bad_pages_become_error_records_with_the_stage() -> None:
    garbage = clean_record({"html": b"\x00\x01\x02" * 400, "url": "http://a/g"}, stages=STANDIN)
    assert garbage["status"] == "error" and garbage["text"] == ""
    assert garbage["errors"] == [
        {"stage": "load", "type": "NotHTMLError", "message": garbage["errors"][0]["message"]}
    ]
    missing = clean_record({"url": "http://a/m"}, stages=STANDIN)
    assert missing["errors"][0]["type"] == "MissingField"
    broken = clean_record({"html": page(3)}, stages=Stages(_fails_in_repair, standin_render))
    assert broken["errors"][0]["stage"] == "repair"
    assert broken["errors"][0]["type"] == "ZeroDivisionError"


def test_an_empty_page_is_a_record_with_status_empty_and_its_reason() -> None:
    record = clean_record({"html": "<html><nav>menu</nav></html>"}, stages=STANDIN)
    assert record["status"] == "empty" and record["text"] == ""
    assert record["errors"] == [
        {"stage": "extract", "type": "NoContent", "message": "no paragraph in the page"}
    ]


def test_ids_come_from_the_input_or_a_stable_hash() -> None:
    by_url = clean_record({"url": "http://a/x", "html": page(4)}, stages=STANDIN)
    assert by_url["id"] == hashlib.sha1(b"http://a/x").hexdigest()
    by_page = clean_record({"html": page(4)}, stages=STANDIN)
    assert by_page["id"] == hashlib.sha1(page(4).encode()).hexdigest()


def test_the_input_date_fills_in_when_the_page_has_none() -> None:
    record = clean_record({"html": page(5), "date": "2024-05-01T10:00:00Z"}, stages=STANDIN)
    assert record["date"] == "2024-05-01T10:00:00Z"


def test_clean_batch_keeps_order_and_count() -> None:
    rows = [{"html": page(i), "id": str(i)} for i in range(5)] + [{"html": None, "id": "x"}]
    out = clean_batch(rows, Options(), stages=STANDIN)
    assert [r["id"] for r in out] == ["0", "1", "2", "3", "4", "x"]
    assert [r["status"] for r in out] == ["ok"] * 5 + ["error"]


def test_describe_error_uses_the_stage_of_pagewash_errors() -> None:
    assert describe_error(NotHTMLError("a PDF")) == {
        "stage": "load",
        "type": "NotHTMLError",
        "message": "a PDF",
    }
    assert set(describe_error(ValueError())) == set(ERROR_KEYS)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["url", "html", "id", "date", "other"]),
        st.one_of(st.none(), st.integers(), st.text(), st.binary(), st.lists(st.text(), max_size=2)),
    )
)
def test_clean_record_never_raises(record: dict[str, object]) -> None:
    out = clean_record(record, stages=STANDIN)
    assert list(out) == list(RECORD_FIELDS)
    assert out["status"] in {"ok", "empty", "error"}
    assert (out["status"] == "ok") == (out["errors"] == [])


def test_records_fit_the_arrow_schema() -> None:
    import pyarrow as pa

    from pagewash.ingest.records import arrow_schema

    rows = [
        clean_record({"html": page(6)}, stages=Stages(_with_change, standin_render)),
        clean_record({"html": b"\x00" * 900}, stages=STANDIN),
        clean_record({"html": "<nav>x</nav>"}, stages=STANDIN),
    ]
    table = pa.Table.from_pylist(rows, schema=arrow_schema())
    assert table.num_rows == 3 and table.to_pylist() == rows


def test_a_slow_page_becomes_a_timeout_row_and_the_hosts_alarm_survives() -> None:
    import signal
    import time

    stages = STANDIN
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    signal.setitimer(signal.ITIMER_REAL, 30)  # the host's own alarm, far off
    try:
        start = time.monotonic()
        slow = clean_record({"url": "http://s/1", "html": "<p>SLOW</p>"}, stages=stages, timeout=0.5)
        assert time.monotonic() - start < 3
        assert slow["status"] == "error" and slow["errors"][0]["type"] == "Timeout"
        fast = clean_record({"url": "http://s/2", "html": page(2)}, stages=stages, timeout=5)
        assert fast["status"] == "ok"
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 20 < remaining <= 30 and not fired  # still pending, handler ours again
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------- rows that are not records


def test_a_row_that_is_not_a_mapping_is_an_error_row() -> None:
    rows = [None, "<p>a page, not a record</p>", ["html", page(1)], 42, b"<p>x</p>", {"html": page(2)}]
    out = clean_batch(rows, stages=STANDIN)  # type: ignore[arg-type]
    assert [r["status"] for r in out] == ["error"] * 5 + ["ok"]
    assert all(r["errors"][0]["type"] == "InvalidRecord" for r in out[:5])
    assert all(list(r) == list(RECORD_FIELDS) and isinstance(r["id"], str) for r in out)
    assert "str" in out[1]["errors"][0]["message"]


def test_lone_surrogates_in_ids_and_urls_become_replacement_characters() -> None:
    import pyarrow as pa

    from pagewash.ingest.records import arrow_schema

    rows = [
        clean_record({"id": "a\ud83d", "url": "http://x/\udcff", "html": page(1)}, stages=STANDIN),
        clean_record({"id": "\ud83d", "html": None}, stages=STANDIN),
    ]
    assert (rows[0]["id"], rows[0]["url"]) == ("a\ufffd", "http://x/\ufffd")
    assert rows[1]["id"] == "\ufffd"
    assert pa.Table.from_pylist(rows, schema=arrow_schema()).num_rows == 2


# ---------------------------------------------------------------- the time limit's contract


def test_the_time_limit_gives_the_host_its_remaining_time_back() -> None:
    import signal
    import time

    fired: list[float] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(time.monotonic()))
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, 2.0)  # the host's own alarm
    try:
        for n in range(3):
            row = clean_record({"html": "<p>SLOW</p>", "id": str(n)}, stages=misbehaving(slow=5), timeout=0.4)
            assert row["errors"][0]["type"] == "Timeout"
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        elapsed = time.monotonic() - started
        assert elapsed >= 1.1 and abs(remaining - (2.0 - elapsed)) < 0.15, (remaining, elapsed)
        while not fired and time.monotonic() - started < 5:
            time.sleep(0.01)
        assert fired and abs(fired[0] - started - 2.0) < 0.3
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_host_alarm_due_inside_the_limit_fires_on_time() -> None:
    import signal
    import time

    fired: list[float] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(time.monotonic()))
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        row = clean_record({"html": "<p>SLOW</p>"}, stages=misbehaving(slow=1), timeout=5)
        assert row["status"] == "ok"  # the host's handler returned: the page went on
        assert fired and abs(fired[0] - started - 0.3) < 0.2
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_OFF_MAIN_THREAD = """
import sys, threading, warnings
sys.path.insert(0, sys.argv[1])
from test_batch_standin import page, standin_clean, standin_render
from pagewash.ingest.records import Stages, clean_record

warnings.simplefilter("always")
rows = []
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    def work():
        for n in range(3):
            rows.append(clean_record({"html": page(n)}, stages=Stages(standin_clean, standin_render),
                                     timeout=1))
    for _ in range(2):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
print(len(rows), [r["status"] for r in rows].count("ok"))
for w in seen:
    print(w.category.__name__, w.message)
"""


def test_the_time_limit_off_the_main_thread_warns_once() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _OFF_MAIN_THREAD, str(Path(__file__).parent)],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    counts, *warnings = done.stdout.decode().splitlines()
    assert counts == "6 6"
    assert len(warnings) == 1 and warnings[0].startswith("RuntimeWarning")
    assert "main thread" in warnings[0]


_COLD_CACHE = """
import sys
from pagewash.ingest.records import clean_record
page = ("<html><head><title>Weather</title></head><body><article><h1>Weather</h1><p>"
        + "The weather was mild and people walked in the park all afternoon. " * 6
        + "</p><p>" + "Погода была мягкой, и люди гуляли в парке весь день. " * 6
        + "</p></article></body></html>")
rows = [clean_record({"html": page, "id": str(n)}, timeout=float(sys.argv[1])) for n in range(3)]
print(" ".join(r["status"] for r in rows))
"""


def test_a_short_limit_does_not_time_out_the_first_lexicon_build(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PAGEWASH_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", _COLD_CACHE, "0.5"], env=env, capture_output=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["ok", "ok", "ok"]
    assert list((tmp_path / "cache").glob("wordfreq-*.bin"))  # the cache was stored
