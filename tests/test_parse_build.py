"""The soup ``parse`` builds straight from the lxml tree is the soup bs4's own lxml builder
makes from that tree's markup: same nodes, string classes and links between nodes."""

from __future__ import annotations

import lxml.html
import pytest
from bs4 import BeautifulSoup, PageElement

from pagewash.parse.soup import build_soup
from pagewash.parse.tree import lxml_root

PAGES = [
    "<html><body><p>One <b>two</b> three</p>\n  <p> </p></body></html>",
    "<pre>  kept  <b> </b>\n  spaces </pre><p>\n\t </p><textarea>  a  </textarea>",
    "<div><pre> outer <pre>  inner  </pre>  </pre>\n \n</div>",
    "<p>a &amp; b &lt;c&gt; &#233;</p><rt> ruby </rt><rp>(</rp>",
    "<ul><li>one<li>two</ul><table><tr><td>1<td>2</table>",
    "<div class='a  b' id=x data-q='1'>text<br>tail<img alt=pic src=p.png>after</div>",
    "<p>before<!-- a comment -->after</p><p>x<?pi y?>z</p>",
    "",
    "just text",
    "<p>" + "<span>deep " * 300 + "</span>" * 300 + "</p>",
]


def _signature(soup: BeautifulSoup) -> list[tuple[object, ...]]:
    nodes: list[PageElement] = list(soup.descendants)
    index = {id(node): i for i, node in enumerate(nodes)}
    index[id(soup)] = -1

    def at(node: PageElement | None) -> object:
        return None if node is None else index.get(id(node), "outside")

    rows: list[tuple[object, ...]] = []
    for node in nodes:
        rows.append(
            (
                type(node).__name__,
                getattr(node, "name", None),
                str(node) if isinstance(node, str) else repr(getattr(node, "attrs", None)),
                at(node.parent),
                at(node.next_element),
                at(node.previous_element),
                at(node.next_sibling),
                at(node.previous_sibling),
            )
        )
    rows.append(("soup", at(soup.next_element), len(soup.contents)))
    return rows


@pytest.mark.parametrize("page", PAGES)
def test_direct_build_matches_the_lxml_builder(page: str) -> None:
    root, _ = lxml_root(page)
    reference = BeautifulSoup(lxml.html.tostring(root, encoding="unicode"), "lxml")
    built = build_soup(lxml_root(page)[0])
    assert str(built) == str(reference)
    assert _signature(built) == _signature(reference)
