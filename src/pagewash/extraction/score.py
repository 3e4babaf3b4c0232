"""Boilerplate classification in jusText's two steps, then the choice of the main container.

1. ``classify``: each unit alone, by phrase rules, link density, length and stop-word density
   (labels good / near-good / short / bad; ``Unit.initial``).
2. ``revise``: short and near-good units take the label of their neighbours, headings followed
   closely by good text are kept (``Unit.final``).
3. ``restrict_to_container``: the deepest element holding ``container_share`` of the kept text
   is the main content; kept units outside it are dropped (a stray "About us" blurb in the
   footer reads like prose but sits outside the article).
"""

from __future__ import annotations

import re
from collections import defaultdict

from pagewash.extraction.units import Label, Unit
from pagewash.rules import Rules, fold

_WORD = re.compile(r"\w+")
PHRASE_LIMIT = 500  # longer blocks are never a single chrome phrase; skip folding them
STATISTICAL = frozenset({"link-density", "stop-words", "too-short", "neighbours"})
SAMPLE_MIN_CHARS = 100  # units long enough to tell the page's language
SAMPLE_WORDS = 600  # words per script looked at to pick a stop-word list
MIN_LIST_FIT = 0.1  # a list matching fewer of the sample's words does not fit the language
CLUSTER_LEVELS = 3  # parent, grandparent, great-grandparent share a unit's length (1, 1/2, 1/3)
RESCUABLE = frozenset({"stop-words", "neighbours", "link-density"})
# Labels a code block inside the article sheds: the statistics judge prose, and the cluster
# rule judges distance from the article's paragraphs, which tabs and notes on documentation
# pages put code four or five wrappers away from.
CODE_KEPT_DESPITE = STATISTICAL | {"weak-cluster"}
# Gap filling (``fill_gaps``). GAP_MAX_UNITS: a longer run of doubted units between kept text
# is a box of its own. GAP_FILLABLE: the labels a unit of such a run may carry; not
# "weak-cluster": text the cluster rule set apart (a blog's description, a reviewed-by box,
# a call to action) was tried and came back as boilerplate on the snippet pages (4 of 7
# changed pages worse), while with the statistical labels alone 2 pages gained, none lost.
GAP_MAX_UNITS = 8
GAP_FILLABLE = frozenset({"neighbours", "stop-words", "too-short"})
LEAD_MIN_CHARS = 100  # a standfirst before the body is a full sentence or more
DOUBTED_WEIGHT = 0.5  # container evidence of a sentence the statistics doubted
RESCUE_MAX_LINK_DENSITY = 0.5  # a sentence inside the article may link half its words
SENTENCE_MIN_WORDS = 5
SENTENCE_MIN_CHARS = 80
_SENTENCE_END = re.compile(r"[.!?…:;\"”’»)]\s*$")


StopWords = dict[str, tuple[frozenset[str], float] | None]


def stopword_sets(rules: Rules, units: list[Unit]) -> StopWords:
    """Per script, the stop-word list the page's prose matches best and its threshold scale
    (None: no list fits).

    Looking at the page's own text instead of its ``lang`` attribute copes with pages that
    declare nothing or declare the site's language rather than the article's.
    """
    samples: dict[str, list[str]] = {"latn": [], "cyrl": [], "other": []}
    for unit in units:
        if unit.length < SAMPLE_MIN_CHARS or unit.link_density > 0.3:
            continue
        script = unit.script or "latn"
        if len(samples[script]) < SAMPLE_WORDS:
            samples[script].extend(_WORD.findall(unit.text.casefold()))
    chosen: StopWords = {}
    for script, words in samples.items():
        words = words[:SAMPLE_WORDS]
        best, hits = None, 0
        for lang, stopwords in rules.stopwords.items():
            count = sum(map(stopwords.__contains__, words))  # counted in C
            if count > hits:
                best, hits = lang, count
        fits = best is not None and words and hits >= MIN_LIST_FIT * len(words)
        chosen[script] = (
            (rules.stopwords[best], rules.stopword_scale[best]) if fits and best is not None else None
        )
    return chosen


def classify(units: list[Unit], rules: Rules, stopwords: StopWords) -> None:
    """Context-free labels: each unit judged by itself."""
    low = rules.threshold("length_low")
    high = rules.threshold("length_high")
    sw_low = rules.threshold("stopwords_low")
    sw_high = rules.threshold("stopwords_high")
    max_links = rules.threshold("max_link_density")
    for unit in units:
        unit.initial = _context_free(unit, rules, stopwords, low, high, sw_low, sw_high, max_links)
        unit.final = unit.initial


def _context_free(
    unit: Unit,
    rules: Rules,
    stopwords: StopWords,
    low: float,
    high: float,
    sw_low: float,
    sw_high: float,
    max_links: float,
) -> Label:
    if unit.rule is not None:
        return "bad"
    text = unit.text
    if len(text) <= PHRASE_LIMIT:
        hit = rules.phrase_match(fold(text))
        if hit is not None:
            unit.drop(hit.rule, hit.reason)
            return "bad"
    if unit.link_density > max_links:
        unit.drop("link-density", "mostly link text: a menu, a list of other pages")
        return "bad"
    if unit.kind in ("pre", "table"):
        return "short"
    length = len(text)
    if length < low:
        if unit.link_chars:
            unit.drop("too-short", "a short piece of link text")
            return "bad"
        return "short"
    found = _stopword_density(text, unit.script, stopwords)
    if found is None:
        return "good" if length > high else "near-good"
    density, scale = found
    if density >= sw_high * scale:
        return "good" if length > high else "near-good"
    if density >= sw_low * scale:
        return "near-good"
    unit.drop("stop-words", "reads like a list of names or labels, not sentences")
    return "bad"


def _stopword_density(text: str, script: str | None, stopwords: StopWords) -> tuple[float, float] | None:
    """Share of stop words in ``text`` and the threshold scale of the list used; None when no
    list fits its script."""
    found = stopwords.get(script or "latn")
    if found is None:
        return None
    pool, scale = found
    words = _WORD.findall(text.casefold())
    if not words:
        return 0.0, scale
    return sum(map(pool.__contains__, words)) / len(words), scale


def revise(units: list[Unit], rules: Rules) -> None:
    """jusText's context-sensitive pass: neighbours decide short and near-good units."""
    distance = rules.threshold("max_heading_distance")
    for index, unit in enumerate(units):
        heading = unit.kind == "h" and unit.initial in ("short", "near-good")
        if heading and _good_follows(units, index, distance):
            unit.final = "near-good"
    for index, unit in enumerate(units):
        if unit.final != "short":
            continue
        before = _neighbour(units, index, -1, skip_near_good=True)
        after = _neighbour(units, index, 1, skip_near_good=True)
        if before == after == "good":
            unit.final = "good"
        elif before == after == "bad":
            unit.final = "bad"
        elif (before == "bad" and _neighbour(units, index, -1, False) == "near-good") or (
            after == "bad" and _neighbour(units, index, 1, False) == "near-good"
        ):
            unit.final = "good"
        else:
            unit.final = "bad"
    for index, unit in enumerate(units):
        if unit.final != "near-good":
            continue
        before = _neighbour(units, index, -1, skip_near_good=True)
        after = _neighbour(units, index, 1, skip_near_good=True)
        unit.final = "bad" if before == after == "bad" else "good"
    for index, unit in enumerate(units):
        heading = unit.kind == "h" and unit.final == "bad" and unit.initial != "bad"
        if heading and _good_follows(units, index, distance):
            unit.final = "good"
    for unit in units:
        if unit.final == "bad" and unit.rule is None:
            unit.drop("neighbours", "short or borderline text among boilerplate")


def _good_follows(units: list[Unit], index: int, distance: float) -> bool:
    travelled = 0
    for unit in units[index + 1 :]:
        if travelled > distance:
            return False
        if unit.initial == "good":
            return True
        travelled += unit.length
    return False


def _neighbour(units: list[Unit], index: int, step: int, skip_near_good: bool) -> Label:
    skip = ("short", "near-good") if skip_near_good else ("short",)
    position = index + step
    while 0 <= position < len(units):
        label = units[position].final
        if label not in skip:
            return label
        position += step
    return "bad"


def evidence(unit: Unit) -> float:
    """How much a unit says "the article is here": kept text fully, doubted sentences half."""
    if unit.kept:
        return unit.length
    if unit.kind == "p" and rescuable(unit):
        return DOUBTED_WEIGHT * unit.length
    return 0.0


def rescuable(unit: Unit) -> bool:
    """Dropped only by the statistics, without much link text (a sentence may link more)."""
    if unit.kind in ("table", "pre"):
        return unit.rule == "neighbours" and unit.link_density <= RESCUE_MAX_LINK_DENSITY
    if unit.rule in ("stop-words", "neighbours"):
        return unit.link_density <= RESCUE_MAX_LINK_DENSITY
    return (
        unit.rule == "link-density"
        and unit.link_density <= RESCUE_MAX_LINK_DENSITY
        and _sentence_like(unit.text)
    )


def restrict_to_container(units: list[Unit], share: float) -> int | None:
    """Drop kept units outside the deepest element holding ``share`` of the kept text.

    Returns the id of the chosen element (None when no element qualifies).
    """
    weight: dict[int, float] = defaultdict(float)
    depth: dict[int, int] = {}
    total = 0.0
    for unit in units:
        mass = unit.length if unit.kept else 0
        if not mass:
            continue
        total += mass
        for level, ancestor in enumerate(unit.ancestors):
            weight[ancestor] += mass
            depth[ancestor] = level
    if not total:
        return None
    qualified = [a for a, w in weight.items() if w >= share * total]
    if not qualified:
        return None
    best = max(qualified, key=lambda a: depth[a])
    parent = _parent_of(units, best)
    if parent is not None and _holds_text_directly(units, best):
        # one paragraph cut by <br><br> is not a container: its neighbours belong too
        best, parent = parent, _parent_of(units, parent)
    before_body = True
    for unit in units:
        if best in unit.ancestors:
            before_body = False
            continue
        if before_body and _is_lead(unit, parent):
            unit.final, unit.rule, unit.reason = "good", None, ""
        elif unit.kept:
            unit.drop("outside-main-content", "outside the element that holds the article")
    return best


def _is_lead(unit: Unit, parent: int | None) -> bool:
    """A standfirst or an abstract just before the body, beside it in the same parent."""
    if parent is None or parent not in unit.ancestors or unit.kind != "p":
        return False
    if unit.kept:
        return unit.final == "good"
    return rescuable(unit) and unit.length >= LEAD_MIN_CHARS


def _holds_text_directly(units: list[Unit], element: int) -> bool:
    """True when every kept unit inside ``element`` is its direct text."""
    inside = [u for u in units if u.kept and element in u.ancestors]
    return bool(inside) and all(u.ancestors[-1] == element for u in inside)


def _parent_of(units: list[Unit], element: int) -> int | None:
    for unit in units:
        if element in unit.ancestors:
            index = unit.ancestors.index(element)
            return unit.ancestors[index - 1] if index else None
    return None


def keep_headings_in_container(units: list[Unit], container: int | None) -> None:
    """Section headings inside the main container stay when content follows them."""
    if container is None:
        return
    later_kept = False
    for unit in reversed(units):
        inside = container in unit.ancestors
        dropped_heading = unit.kind == "h" and inside and not unit.kept
        if dropped_heading and unit.rule in STATISTICAL and later_kept and unit.link_density <= 0.5:
            unit.final = "good"
            unit.rule = None
            unit.reason = ""
        if unit.kept and inside:
            later_kept = True


def strong_elements(units: list[Unit], container: int | None, ratio: float) -> set[int]:
    """Elements whose own paragraphs carry the article (readability's parent scoring).

    Each good unit adds its length to its parent, half to its grandparent and a third to
    the next ancestor up; an
    element scoring at least ``ratio`` of the best is strong. Article paragraphs share a
    parent and add up; a teaser, a caption or a promo sits alone in its own card.
    """
    scores: dict[int, float] = defaultdict(float)
    for unit in units:
        mass = evidence(unit)
        if not mass or (container is not None and container not in unit.ancestors):
            continue
        nesting = len(unit.frames)  # list items count fully up to their list
        window = CLUSTER_LEVELS + nesting
        for step, ancestor in enumerate(reversed(unit.ancestors[-window:])):
            scores[ancestor] += mass / max(1, step + 1 - nesting)
    if not scores:
        return set()
    floor = ratio * max(scores.values())
    return {element for element, value in scores.items() if value >= floor}


def drop_weak(units: list[Unit], strong: set[int]) -> None:
    """Drop kept text that is not near a strong element (headings are judged later)."""
    if not strong:
        return
    for unit in units:
        if unit.kept and not unit.forced and unit.kind != "h" and not _near(unit, strong):
            unit.drop(
                "weak-cluster", "a lone block away from the article's paragraphs: teaser, caption, promo"
            )


def _near(unit: Unit, strong: set[int]) -> bool:
    window = CLUSTER_LEVELS + len(unit.frames)  # a list adds a level per list and per item
    return any(a in strong for a in unit.ancestors[-window:])


def rescue_in_container(units: list[Unit], container: int | None, strong: set[int]) -> None:
    """Inside the article, sentences the statistics doubted are kept.

    A news paragraph full of names has few stop words; inside the container that holds the
    article that is no sign of boilerplate. Link text and rule matches stay dropped.
    """
    if container is None:
        return
    for unit in units:
        if strong and not _near(unit, strong):
            continue
        if unit.kept or unit.kind == "h" or not rescuable(unit):
            continue
        if container in unit.ancestors:
            unit.final = "good"
            unit.rule = None
            unit.reason = ""


def _sentence_like(text: str) -> bool:
    words = len(_WORD.findall(text))
    if words < SENTENCE_MIN_WORDS:
        return False
    return len(text) >= SENTENCE_MIN_CHARS or _SENTENCE_END.search(text) is not None


def keep_code_in_container(units: list[Unit], container: int | None) -> None:
    """A code block inside the element that holds the article is content.

    jusText's statistics and the cluster rule are made for prose: a code block has no stop
    words, is often short, and on documentation pages sits in tabs, admonitions and API
    entries away from the paragraphs, where those rules dropped much of the code. A block
    dropped by a rule (a selector, a phrase) stays dropped.
    """
    if container is None:
        return
    for unit in units:
        if (
            unit.kind == "pre"
            and not unit.kept
            and unit.rule in CODE_KEPT_DESPITE
            and container in unit.ancestors
        ):
            unit.final = "good"
            unit.rule = None
            unit.reason = ""


def fill_gaps(units: list[Unit], container: int | None) -> None:
    """Inside the article, a short run of units the statistics doubted between kept text is
    kept: a one-line API signature, an admonition's title, a short sentence between two
    paragraphs.

    jusText revises a short unit by its nearest neighbours; inside the element that holds
    the article a run of them, framed by kept text on both sides, is part of that text. The
    run must be mostly free of links (menus are not doubted prose) and no rule may have
    named any of it as chrome.
    """
    if container is None:
        return
    inside = [u for u in units if container in u.ancestors]
    start = 0
    while start < len(inside):
        if inside[start].kept:
            start += 1
            continue
        end = start
        while end < len(inside) and not inside[end].kept:
            end += 1
        run = inside[start:end]
        framed = start > 0 and end < len(inside)
        if framed and len(run) <= GAP_MAX_UNITS and all(_fillable(u) for u in run):
            for unit in run:
                unit.final, unit.rule, unit.reason = "good", None, ""
        start = end


def _fillable(unit: Unit) -> bool:
    """Doubted by the statistics only, mostly free of links, and words rather than a number
    or a mark (a gallery's "6", a "»")."""
    return (
        unit.rule in GAP_FILLABLE
        and unit.link_density <= RESCUE_MAX_LINK_DENSITY
        and any(char.isalpha() for char in unit.text)
    )
