"""Drop what is never content, on the lxml tree, before the slower BeautifulSoup tree exists.

Building the BeautifulSoup tree costs about as much as a whole trafilatura extraction, and
its cost grows with the number of elements; pruning scripts, styles, SVG, form controls,
hidden elements and chrome matched by selector rules first cuts that number by about 70 %.
Each drop of a page part with text is recorded as a ``Removal`` for the Change log.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from pagewash.parse.elements import is_block
from pagewash.parse.head import Removal, quote
from pagewash.parse.marks import AREA_ATTR, CAPTION_ATTR, CONTINUATION_ATTR, NOTE_ATTR, REF_ATTR
from pagewash.rules import Rules, SelectorRule, name_token

# Elements whose content is never readable text.
NON_CONTENT = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "audio",
    "video",
    "source",
    "track",
    "map",
    "dialog",
    "link",
    "base",
)
# Form controls: their text is labels and options, not prose. Their tails are kept.
CONTROLS = ("input", "select", "textarea", "button", "option", "optgroup", "datalist", "label")
# Elements inside which the article's own header/footer live.
CONTENT_ROOTS = frozenset({"article", "main"})
INLINE = frozenset(
    {
        "span",
        "a",
        "em",
        "i",
        "b",
        "strong",
        "small",
        "u",
        "mark",
        "sup",
        "sub",
        "abbr",
        "cite",
        "q",
        "code",
        "time",
        "font",
    }
)
_IN_CAPTION = "numbered-caption"  # marks, in ``inside``, the descendants of such a caption
MIN_CONTINUATION = 60  # a hidden inline run this long after visible text is the rest of it
MIN_PROSE = 200  # below this many paragraph characters a page is measured by all its text

# display:none or visibility:hidden in any case; the first letters are spelled out as one
# set ("d" and "v" have no other case forms) so the engine can skip ahead to them: three
# times faster on stylesheets than ``re.IGNORECASE`` over the whole pattern.
_HIDDEN_STYLE = re.compile(r"[dDvV](?:(?<=[dD])(?i:isplay\s*:\s*none)|(?<=[vV])(?i:isibility\s*:\s*hidden))")
_MEDIA_BLOCK = re.compile(r"@(media|supports)[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.IGNORECASE)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")  # what ``_hiding_rules`` finds, faster
_CLASS_SELECTOR = re.compile(r"^\.([\w-]+)$")
_TOGGLE = re.compile(
    r"^\W*(read|show|see|view)\s+(more|less|all|full)|^\W*(подробнее|читать|показать|развернуть)",
    re.IGNORECASE,
)


def hidden_classes(root: etree._Element) -> set[str]:
    """Classes the page's own stylesheet hides outright (outside media queries)."""
    found: set[str] = set()
    for style in root.iter("style"):
        css = _MEDIA_BLOCK.sub("", style.text or "")
        for selectors in _hiding_rules(css):
            for selector in selectors.split(","):
                match = _CLASS_SELECTOR.match(selector.strip())
                if match:
                    found.add(match.group(1).lower())
    return found


def _hiding_rules(css: str) -> list[str]:
    """The selectors of each rule whose body hides, as ``_CSS_RULE`` cuts the sheet.

    Cutting every rule out of a big stylesheet and searching its body costs a tenth of the
    parse stage. A hiding declaration holds no brace, so the sheet is searched once and each
    hit is placed between its nearest braces: it is in a rule body when "{" comes before it
    and "}" after it, and a non-empty run lies between the "{" and the brace before that
    (such a run is never the body of the rule before, whose body ends with "}").
    """
    found = []
    for hit in _HIDDEN_STYLE.finditer(css):
        opening = css.rfind("{", 0, hit.start())
        if opening < 0 or css.rfind("}", 0, hit.start()) > opening:
            continue
        closing = css.find("}", hit.end())
        if closing < 0 or css.find("{", hit.end(), closing) >= 0:
            continue
        selectors = css[max(css.rfind("{", 0, opening), css.rfind("}", 0, opening)) + 1 : opening]
        if selectors:
            found.append(selectors)
    return found


def strip_non_content(root: etree._Element) -> list[Removal]:
    """Remove scripts (JSON-LD is read before this), styles, media and form controls."""
    counts = Counter(el.tag for el in root.iter(*NON_CONTENT, *CONTROLS) if isinstance(el.tag, str))
    etree.strip_elements(root, *NON_CONTENT, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(root, *CONTROLS, with_tail=False)
    return [
        Removal("non-content-element", f"<{tag}> ×{n}", "never readable text", tag)
        for tag, n in sorted(counts.items())
    ]


def prune_chrome(
    root: etree._Element, rules: Rules, css_hidden: set[str], keep_optional: bool = False
) -> list[Removal]:
    """Drop hidden elements and elements matched by selector rules; mark continuations."""
    body = root.find("body")
    if body is None:
        body = root
    measure = _prose_chars if _prose_chars(body) >= MIN_PROSE else _all_chars
    wrapper_chars = rules.threshold("wrapper_share") * measure(body)
    hidden = set(rules.hidden_classes) | css_hidden
    active = frozenset(i for i, s in enumerate(rules.selectors) if not (keep_optional and s.optional))
    removals: list[Removal] = []
    doomed: list[etree._Element] = []
    stack: list[tuple[etree._Element, frozenset[str]]] = [
        (child, frozenset()) for child in reversed(_children(body))
    ]
    while stack:
        el, inside = stack.pop()
        verdict = _judge(el, inside, rules, hidden, active, wrapper_chars, measure)
        if verdict is not None and _numbered_caption(el, verdict, inside, rules):
            if _IN_CAPTION not in inside:  # the caption's own parts just stay
                el.set(CAPTION_ATTR, verdict.rule)
            verdict = None
        if verdict is not None:
            doomed.append(el)
            text = " ".join(el.itertext())
            if text.strip() or verdict.rule != "hidden-element":
                removals.append(Removal(verdict.rule, quote(text), verdict.reason, origin_of(el)))
            continue
        child_inside = inside | {el.tag} if el.tag in CONTENT_ROOTS else inside
        if el.get(CAPTION_ATTR) is not None:
            child_inside = child_inside | {_IN_CAPTION}
        stack.extend((c, child_inside) for c in reversed(_children(el)))
    for el in doomed:
        _keep_apart(el)
        el.drop_tree()
    return removals


def _keep_apart(el: etree._Element) -> None:
    """Before ``el`` goes, leave a space in its place when it kept the words around it apart.

    A block does (``foo<div class="ad">…</div>bar`` reads as two lines), and so does an inline
    element whose own text starts or ends with a space: ``30<span class="hidden"> / </span>
    Updated`` must not read "30Updated". An inline element without such a space is part of
    the word around it (``Hel<span hidden>x</span>lo`` reads "Hello") and leaves nothing.
    """
    tail = el.tail or ""
    if tail[:1].isspace():
        return
    text = el.text_content() if not is_block(str(el.tag)) else " "
    if text[:1].isspace() or text[-1:].isspace():
        el.tail = " " + tail


_HIDDEN_RULE = SelectorRule(rule="hidden-element", reason="hidden from readers by the page")


def _numbered_caption(
    el: etree._Element, verdict: SelectorRule, inside: frozenset[str], rules: Rules
) -> bool:
    """A "Figure 1"/"Таблица 2" caption (or a part of one): the extractor decides, knowing
    whether the page is a paper."""
    if verdict.rule not in rules.captions.rules:
        return False
    return _IN_CAPTION in inside or bool(rules.captions.numbered.match(el.text_content().strip()))


def _judge(
    el: etree._Element,
    inside: frozenset[str],
    rules: Rules,
    hidden: set[str],
    active: frozenset[int],
    wrapper_chars: float,
    measure: Callable[[etree._Element], int],
) -> SelectorRule | None:
    """The rule that drops ``el``, or None to keep it and look inside."""
    if el.get(NOTE_ATTR) is not None or el.get(AREA_ATTR) is not None:
        return None  # a footnote or the notes area: moved to the document's notes
    tokens = _tokens(el)
    if _is_hidden(el, tokens, hidden):
        if _is_continuation(el, tokens, rules):
            _reveal(el)
            return None
        return _HIDDEN_RULE
    rule = _selector_hit(el, tokens, inside, rules, active)
    if rule is None:
        return None
    by_name_only = el.tag not in rule.tags and (el.get("role") or "").lower() not in rule.roles
    if by_name_only and wrapper_chars and measure(el) >= wrapper_chars:
        return None
    return rule


def _prose_chars(el: etree._Element) -> int:
    """Characters inside paragraphs: what an article wrapper holds and a menu does not."""
    return sum(len(t) for p in el.iter("p") for t in p.itertext())


def _all_chars(el: etree._Element) -> int:
    return len(el.text_content())


def _children(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _tokens(el: etree._Element) -> list[str]:
    classes = [name_token(c) for c in (el.get("class") or "").split()]
    ident = el.get("id")
    return [*classes, name_token(ident)] if ident else classes


def _is_hidden(el: etree._Element, tokens: list[str], hidden: frozenset[str] | set[str]) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if (el.get("aria-hidden") or "").lower() == "true":
        return True
    return any(t.lower() in hidden for t in tokens)


def _is_continuation(el: etree._Element, tokens: list[str], rules: Rules) -> bool:
    """Hidden text that a toggle reveals: the rest of an abstract or an article."""
    if any(rules.continuation.search(t) for t in tokens):
        return True
    parent = el.getparent()
    if parent is None:
        return False
    after_text = el.getprevious() is not None or (parent.text or "").strip()
    if el.tag in INLINE and after_text and len(el.text_content()) >= MIN_CONTINUATION:
        return True
    return any(
        _TOGGLE.match((sib.text_content() or "").strip())
        for sib in parent
        if sib is not el and isinstance(sib.tag, str) and sib.tag in ("a", "button", "span")
    )


def _reveal(el: etree._Element) -> None:
    el.set(CONTINUATION_ATTR, "1")
    for attr in ("hidden", "aria-hidden"):
        if attr in el.attrib:
            del el.attrib[attr]
    style = el.get("style")
    if style:
        el.set("style", _HIDDEN_STYLE.sub("", style))


def _selector_hit(
    el: etree._Element, tokens: list[str], inside: frozenset[str], rules: Rules, active: frozenset[int]
) -> SelectorRule | None:
    """The first active selector rule matching the element's tag, role or name tokens."""
    hits = rules.tag_role_hits(el.tag, (el.get("role") or "").lower())
    for token in tokens:
        hits = hits | rules.token_hits(token)
    if not hits:
        return None
    for index in sorted(hits):
        rule = rules.selectors[index]
        if index in active and not (rule.not_inside and rule.not_inside & inside):
            return rule
    return None


def origin_of(el: etree._Element) -> str:
    """A short CSS-like path of an element: up to three ancestors with a class or id."""
    parts: list[str] = []
    node: etree._Element | None = el
    while node is not None and len(parts) < 3 and node.tag not in ("body", "html"):
        parts.append(_step(node))
        node = node.getparent()
    return " > ".join(reversed(parts))


def _step(el: etree._Element) -> str:
    ident = el.get("id")
    if ident:
        return f"{el.tag}#{ident}"
    classes = (el.get("class") or "").split()
    return f"{el.tag}.{classes[0]}" if classes else str(el.tag)


# Attributes the extractor reads; the rest (styles, data-*, event handlers) only cost time in
# the BeautifulSoup tree.
KEPT_ATTRIBUTES = frozenset(
    {
        "class",
        "id",
        "href",
        "src",
        "data-src",
        "alt",
        "title",
        "lang",
        "role",
        "colspan",
        "rowspan",
        "start",
        "type",
        "datetime",
        "itemprop",
        "rel",
        CONTINUATION_ATTR,
        CAPTION_ATTR,
        REF_ATTR,
        NOTE_ATTR,
        AREA_ATTR,
    }
)
UNWRAPPED = ("span", "font")
# Elements that mean something without text: breaks, images, rules, table cells, the skeleton.
KEPT_EMPTY = frozenset({"br", "img", "hr", "td", "th", "tr", "html", "head", "body", "title", "meta"})


def slim(root: etree._Element) -> None:
    """Fewer nodes to build: drop unread attributes, textless elements, bare span/font.

    A textless element still means something to the text around it: a whitespace-only
    inline element (``intellect<strong> </strong>ensorcells``) is the space between two
    words, so its tag goes and its space stays; an empty block (``foo<div></div>bar``) puts
    the words around it on separate lines, so it stays when text follows it.
    """
    bare: list[etree._Element] = []
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in reversed(elements):  # children before their parents
        if el.tag not in KEPT_EMPTY and len(el) == 0 and not (el.text or "").strip():
            _drop_textless(el)
            continue
        attrib = el.attrib
        for name in [n for n in attrib if n not in KEPT_ATTRIBUTES]:
            del attrib[name]
        if el.tag in UNWRAPPED and not attrib:
            bare.append(el)
    for el in bare:
        el.drop_tag()


def _drop_textless(el: etree._Element) -> None:
    """Remove an element without children or text, keeping what it does to the words around.

    An inline element's whitespace stays in place of its tag. A block keeps separating the
    text before it from the text after it, so it is removed only when nothing follows it in
    its parent but other blocks (a block's own edges already end the line there).
    """
    if not is_block(str(el.tag)):
        if el.text:
            el.drop_tag()
        else:
            el.drop_tree()  # its tail stays in place
        return
    following = el.getnext()
    if (el.tail or "").strip() or (following is not None and not is_block(str(following.tag))):
        el.text = None
        return
    el.drop_tree()
