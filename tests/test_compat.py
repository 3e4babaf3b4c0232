"""The trafilatura-shaped ``extract``: every trafilatura argument used, ignored or refused."""

from __future__ import annotations

import inspect
import json

import lxml.html
import pytest
import trafilatura  # dev extra: the argument table is checked against the real signature

from adapter_pages import NEWS, RUSSIAN, SHELL
from pagewash import compat
from pagewash.errors import PagewashError, UsageError
from pagewash.ingest.records import clean_record
from pagewash.pipeline import Options

URL = "https://example.org/news/ferry"


def test_every_trafilatura_argument_is_known() -> None:
    own = set(inspect.signature(compat.extract).parameters) - {"trafilatura_args", "pagewash_options"}
    handled = own | compat.USED | set(compat.IGNORED) | set(compat.REFUSED)
    assert set(inspect.signature(trafilatura.extract).parameters) <= handled
    assert inspect.signature(trafilatura.extract).parameters["output_format"].default == "txt"


def test_txt_markdown_and_json_outputs() -> None:
    text = compat.extract(NEWS.html)
    assert text is not None and NEWS.phrase in text and not text.startswith(("#", "---"))
    markdown = compat.extract(NEWS.html, output_format="markdown")
    assert markdown == clean_record({"html": NEWS.html})["text"]
    with_meta = compat.extract(NEWS.html, url=URL, output_format="markdown", with_metadata=True)
    assert with_meta is not None and with_meta.startswith("---\ntitle: ")
    txt_meta = compat.extract(NEWS.html, with_metadata=True)
    assert txt_meta is not None and txt_meta.startswith("---\n") and txt_meta.endswith(text)
    plain = json.loads(compat.extract(NEWS.html, output_format="json") or "")
    assert plain == {"text": text, "comments": ""}
    full = json.loads(
        compat.extract(NEWS.html, url=URL, output_format="json", with_metadata=True, record_id="r1") or ""
    )
    assert (full["title"], full["author"], full["date"], full["id"]) == (
        NEWS.title,
        "Priya Raman",
        "2024-04-09",
        "r1",
    )
    assert full["source"] and full["hostname"] and full["text"] == text


def test_lxml_trees_and_pagewash_options_are_accepted() -> None:
    tree = lxml.html.fromstring(NEWS.html)
    assert NEWS.phrase in (compat.extract(tree) or "")
    raw = compat.extract(NEWS.html, pagewash_options=Options(repair=False))
    assert raw is not None and NEWS.phrase in raw


def test_filters_return_none_like_trafilatura() -> None:
    assert compat.extract(SHELL) is None
    assert compat.extract(NEWS.html, target_language="ru") is None
    assert compat.extract(RUSSIAN.html, target_language="ru") is not None
    assert compat.extract(NEWS.html, url=URL, url_blacklist={URL}) is None
    prose = "Plain words in a paragraph here. " * 20
    blog = f"<html><body><article><p>{prose}</p></article></body></html>"
    assert compat.extract(blog, only_with_metadata=True) is None
    assert compat.extract(NEWS.html, only_with_metadata=True) is not None
    out = json.loads(
        compat.extract(NEWS.html, output_format="json", with_metadata=True, author_blacklist={"priya raman"})
        or ""
    )
    assert out["author"] is None


def test_ignored_arguments_change_nothing() -> None:
    ignored = {name: True for name in compat.IGNORED if name != "date_extraction_params"}
    assert compat.extract(NEWS.html, **ignored) == compat.extract(NEWS.html)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"output_format": "xmltei"},
        {"output_format": "html"},
        {"include_tables": False},
        {"prune_xpath": "//div"},
        {"config": object()},
        {"max_tree_size": 500},
        {"favour_precision": True},
    ],
    ids=lambda k: next(iter(k)),
)
def test_refused_and_unknown_arguments_say_why(kwargs: dict) -> None:
    with pytest.raises(UsageError) as info:
        compat.extract(NEWS.html, **kwargs)
    assert "\n" not in str(info.value) and next(iter(kwargs)) in str(info.value)


def test_refused_arguments_at_their_default_are_fine() -> None:
    assert compat.extract(NEWS.html, include_tables=True, config=None, max_tree_size=None)


def test_not_a_page_is_an_error_not_none() -> None:
    with pytest.raises(PagewashError, match=r"binary|not an HTML"):
        compat.extract(b"%PDF-1.7 not a page")
