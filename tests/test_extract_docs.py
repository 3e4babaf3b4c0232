"""Documentation pages: reference sections are not reference lists, and the short lines of API
entries and admonitions inside the article are kept."""

from __future__ import annotations

from fidelity_helpers import LEAD, TAIL, clean, markdown, markdown_read_back
from pagewash.document import ListBlock, Section, iter_blocks
from pagewash.extraction import score
from pagewash.extraction.units import Unit


def test_a_reference_section_of_documentation_is_not_a_reference_list() -> None:
    body = (
        f'<section id="configuration-reference"><h2>Configuration reference</h2><p>{LEAD}</p>'
        f"<ol><li><p>The path must match.</p></li><li><p>The route decides.</p></li></ol>"
        f"<p>{TAIL}</p></section>"
    )
    doc = clean(body)
    assert not [b for _, b in iter_blocks(doc.blocks) if isinstance(b, Section)]
    lists = [b for _, b in iter_blocks(doc.blocks) if isinstance(b, ListBlock)]
    assert len(lists) == 1 and len(lists[0].items) == 2
    assert f"\n\n{LEAD}\n\n1. The path must match." in markdown(body)


def test_short_lines_of_api_entries_between_kept_text_are_kept() -> None:
    entry = (
        '<dl class="py class"><dt id="Client">class ferrule.Client(address)</dt><dd>'
        f"<p>{LEAD}</p>"
        '<dl class="py method"><dt id="Client.stats">stats() → Stats</dt>'
        "<dd><p>Return the counters of every route.</p></dd></dl>"
        '<dl class="py attribute"><dt id="Client.address">address: str</dt>'
        "<dd><p>The address given to the constructor.</p></dd></dl>"
        f'</dd></dl><div class="admonition tip"><p class="admonition-title">Shell completion</p>'
        "<p>Run ferrule completions bash &gt; ~/.bash_completion once.</p></div>"
        f"<p>{TAIL}</p>"
    )
    lines = markdown_read_back(markdown(f"<section><h2>Classes</h2>{entry}</section>")).split("\n")
    for line in (
        "stats() → Stats",
        "Return the counters of every route.",
        "address: str",
        "The address given to the constructor.",
        "Shell completion",
        "Run ferrule completions bash > ~/.bash_completion once.",
    ):
        assert line in lines, line


def test_a_menu_between_paragraphs_stays_out() -> None:
    menu = '<div><a href="/a">Home</a> <a href="/b">Blog</a> <a href="/c">About</a></div>'
    md = markdown(f"<p>{LEAD}</p>{menu}<p>{TAIL}</p>")
    assert "Home" not in md and "About" not in md


def _unit(text: str, kept: bool, rule: str | None = None) -> Unit:
    unit = Unit(kind="p", text=text, ancestors=(1, 2))
    unit.final = "good" if kept else "bad"
    unit.rule = rule
    return unit


def test_gap_filling_keeps_doubted_words_between_kept_text_but_no_number() -> None:
    units = [
        _unit(LEAD, True),
        _unit("Shell completion", False, "neighbours"),
        _unit("6", False, "neighbours"),
        _unit(TAIL, True),
        _unit("Home About", False, "link-density"),
        _unit(LEAD, True),
    ]
    units[4].link_chars = len("Home About")
    score.fill_gaps(units, container=1)
    assert [u.kept for u in units] == [True, False, False, True, False, True]
    units[2] = _unit("Shell completion", False, "stop-words")
    score.fill_gaps(units, container=1)
    assert [u.kept for u in units] == [True, True, True, True, False, True]
