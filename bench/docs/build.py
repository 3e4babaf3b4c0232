"""Build the documentation corpus: every generator x theme over the same source pages.

Run in the bench-only environment (``make docs-corpus`` creates ``.venv-docs`` from
``bench/docs/requirements.txt``)::

    .venv-docs/bin/python bench/docs/build.py            # rebuild fixtures/docs-sites/
    .venv-docs/bin/python bench/docs/build.py --check    # rebuild in a temporary folder, compare

Each site is built from ``fixtures/docs-sites/sources/<generator>/``; only its content pages
are kept, as ``fixtures/docs-sites/<site>/<page>.html``, and ``fixtures/docs-sites/truth.json``
gets the truth of every page, read from the sources by ``truth.py``. Before anything is
written, every page is checked against its truth: each truth code block must be the text of
exactly one ``<pre>`` of the page (line-number cells and spans taken out), no code ``<pre>`` may be
left over, the language must be marked in the HTML exactly where the site is expected to mark
it, and every prose block must occur, word for word, in the page's text. A disagreement stops
the build, so the truth and the pages can never drift apart.

The builds are reproducible: fixed dates, ``SOURCE_DATE_EPOCH``, no bytecode written into the
sources, and the pinned versions of ``requirements.txt``.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from bs4 import BeautifulSoup, Tag

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = ROOT / "fixtures" / "docs-sites"
SOURCES = CORPUS / "sources"
BIN = Path(sys.executable).parent

sys.path.insert(0, str(HERE))
import truth  # noqa: E402  (the truth reader lives beside this script)

MATERIAL_FEATURES = [
    "navigation.sections",
    "navigation.top",
    "content.code.copy",
    "content.action.edit",
    "content.tabs.link",
    "toc.follow",
]


@dataclass(frozen=True)
class Site:
    """One generator with one theme; ``article`` is the theme's own content container, used only
    to report how much of it the truth covers (never by the benchmark or the tests)."""

    name: str
    generator: str
    theme: str
    theme_package: str | None
    sources: str
    marks_language: bool
    article: str
    settings: dict[str, object] = field(default_factory=dict)


SITES = (
    Site(
        "mkdocs-material",
        "mkdocs",
        "material",
        "mkdocs-material",
        "mkdocs",
        True,
        "article.md-content__inner",
    ),
    Site("mkdocs-mkdocs", "mkdocs", "mkdocs", None, "mkdocs", True, "div[role=main]"),
    Site("sphinx-alabaster", "sphinx", "alabaster", "alabaster", "sphinx", True, "div.body"),
    Site("sphinx-furo", "sphinx", "furo", "furo", "sphinx", True, "article[role=main]"),
    Site(
        "sphinx-rtd",
        "sphinx",
        "sphinx_rtd_theme",
        "sphinx-rtd-theme",
        "sphinx",
        True,
        "div[itemprop=articleBody]",
    ),
    Site(
        "sphinx-pydata",
        "sphinx",
        "pydata_sphinx_theme",
        "pydata-sphinx-theme",
        "sphinx",
        True,
        "article.bd-article",
    ),
    Site("pelican-notmyidea", "pelican", "notmyidea", None, "pelican", False, "div.entry-content"),
    Site("pelican-simple", "pelican", "simple", None, "pelican", False, "main article"),
)


class BuildError(RuntimeError):
    """A generator failed, or a built page disagrees with its truth."""


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SOURCE_DATE_EPOCH": "1741946400",  # 2025-03-14 10:00 UTC, the date of the 0.9.2 release
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "NO_MKDOCS_2_WARNING": "1",
            "TZ": "UTC",
            "LC_ALL": "C.UTF-8",
        }
    )
    return env


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, env=_environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _mkdocs_config(site: Site, out: Path, work: Path) -> Path:
    import yaml

    config = yaml.safe_load((SOURCES / "mkdocs" / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(SOURCES / "mkdocs" / "docs")
    config["site_dir"] = str(out)
    if site.theme == "material":
        config["theme"] = {"name": "material", "features": MATERIAL_FEATURES}
    else:
        # A built-in theme with Pygments and the other line-number layout of pymdownx.highlight:
        # numbers in data attributes of inline spans instead of a table. (highlight.js in the
        # browser is no option here: without Pygments, superfences refuses fences that ask for
        # line numbers or a title.)
        config["theme"] = {"name": site.theme, "highlightjs": False}
        for ext in config["markdown_extensions"]:
            if isinstance(ext, dict) and "pymdownx.highlight" in ext:
                ext["pymdownx.highlight"] = {"linenums_style": "pymdownx-inline", "pygments_lang_class": True}
    path = work / f"{site.name}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build_site(site: Site, work: Path) -> dict[str, bytes]:
    """Build one site into ``work``; returns page name -> the built HTML bytes."""
    out = work / site.name
    pages = truth.SOURCE_SETS[site.sources].pages
    if site.generator == "mkdocs":
        _run([str(BIN / "mkdocs"), "build", "-q", "--strict", "-f", str(_mkdocs_config(site, out, work))])
        files = {p: out / ("index.html" if p == "index" else f"{p}/index.html") for p in pages}
    elif site.generator == "sphinx":
        doctrees = work / f"{site.name}.doctrees"
        _run(
            [
                str(BIN / "sphinx-build"),
                "-q",
                "-W",
                "-E",
                "-b",
                "html",
                "-d",
                str(doctrees),
                "-D",
                f"html_theme={site.theme}",
                str(SOURCES / "sphinx"),
                str(out),
            ]
        )
        files = {p: out / f"{p}.html" for p in pages}
    elif site.generator == "pelican":
        command = [str(BIN / "pelican"), "-q", "content", "-s", "pelicanconf.py", "-o", str(out)]
        if site.theme != "notmyidea":
            command += ["-e", f"THEME={json.dumps(site.theme)}"]
        _run(command, cwd=SOURCES / "pelican")
        files = {p: out / f"{p}.html" for p in pages}
    else:
        raise BuildError(f"unknown generator {site.generator!r}")
    return {page: path.read_bytes() for page, path in files.items()}


def _version(package: str) -> str:
    return importlib.metadata.version(package)


def site_entry(site: Site) -> dict[str, object]:
    return {
        "generator": site.generator,
        "generator_version": _version(site.generator),
        "theme": site.theme,
        "theme_version": _version(site.theme_package) if site.theme_package else _version(site.generator),
        "sources": site.sources,
        "marks_language": site.marks_language,
        "pages": {page: f"{site.name}/{page}.html" for page in truth.SOURCE_SETS[site.sources].pages},
    }


# --------------------------------------------------------------------------------------------
# checking a built page against its truth
# --------------------------------------------------------------------------------------------

_LANG_CLASS = re.compile(r"^(?:language|lang|highlight)-([\w+-]+)$")
_ORDINAL = re.compile(r"^\d+\. ")
_NUMBER_CELLS = "td.linenos, span.linenos, div.linenodiv, td.blob-num"


def _score_module(shared: Path) -> ModuleType:
    path = shared / "bench" / "extraction" / "score.py"
    spec = importlib.util.spec_from_file_location("extraction_score", path)
    if spec is None or spec.loader is None:
        raise BuildError(f"cannot load {shared}/bench/extraction/score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pre_text(pre: Tag) -> str:
    text = pre.get_text()
    return text.removeprefix("\n").removesuffix("\n")  # a newline right after <pre> is not content


def _marked_language(pre: Tag) -> str | None:
    node: Tag | None = pre
    nodes = [c for c in pre.find_all("code", recursive=False)]
    for _ in range(7):
        if node is None:
            break
        nodes.append(node)
        node = node.parent if isinstance(node.parent, Tag) else None
    for candidate in nodes:
        for cls in candidate.get("class") or []:
            if match := _LANG_CLASS.match(cls):
                return match.group(1)
    return None


class Coverage(NamedTuple):
    """How the truth's prose and the theme's own article container overlap (4-token shingles)."""

    container_in_truth: float  # share of the container's text that is truth prose
    truth_in_container: float  # share of the truth prose found in the container


def check_page(site: Site, page: str, html: bytes, page_truth: dict[str, Any], score: ModuleType) -> Coverage:
    """Raise BuildError if the page and its truth disagree; returns the coverage, for the report."""
    where = f"{site.name}/{page}"
    soup = BeautifulSoup(html.decode("utf-8"), "html.parser")
    for number_cell in soup.select(_NUMBER_CELLS):
        number_cell.decompose()
    pres = [pre for pre in soup.find_all("pre")]
    found = [(_pre_text(pre), pre) for pre in pres]
    unused = list(range(len(found)))
    problems = []
    for index, block in enumerate(page_truth["code"]):
        hits = [k for k in unused if found[k][0] == block["text"]]
        if not hits:

            def likeness(k: int, text: str = block["text"]) -> float:
                return difflib.SequenceMatcher(None, found[k][0], text).ratio()

            near = max(unused, key=likeness, default=None)
            diff = (
                ""
                if near is None
                else "\n".join(
                    difflib.unified_diff(
                        block["text"].split("\n"),
                        found[near][0].split("\n"),
                        "truth",
                        "html",
                        lineterm="",
                        n=1,
                    )
                )
            )
            problems.append(f"code block {index} ({block['origin']}) is no <pre> of the page\n{diff}")
            continue
        unused.remove(hits[0])
        marked = _marked_language(found[hits[0]][1])
        if site.marks_language and block["lang"] and marked != block["lang"]:
            problems.append(
                f"code block {index} ({block['origin']}): language {block['lang']!r}, page marks {marked!r}"
            )
        if not site.marks_language and marked:
            problems.append(f"code block {index} ({block['origin']}): the page marks language {marked!r}")
    for k in unused:
        problems.append(f"a <pre> that is in no truth code block: {found[k][0][:80]!r}")
    for pre in pres:
        pre.decompose()
    for junk in soup.find_all(["script", "style", "template"]):
        junk.decompose()
    page_words = [score.WORD.findall(soup.get_text(sep)) for sep in (" ", "")]
    joined = ["\x00" + "\x00".join(words) + "\x00" for words in page_words]
    for block in page_truth["prose"]:
        shown = _ORDINAL.sub("", block)  # the browser draws an ordered item's number, the text has none
        words = "\x00" + "\x00".join(score.WORD.findall(shown)) + "\x00"
        if words != "\x00\x00" and not any(words in text for text in joined):
            problems.append(f"prose not in the page: {block[:100]!r}")
    if problems:
        raise BuildError(f"{where}: the page disagrees with its truth:\n  " + "\n  ".join(problems))
    article = soup.select_one(site.article)
    if article is None:
        raise BuildError(f"{where}: no {site.article!r} in the page")
    prose = "\n\n".join(_ORDINAL.sub("", block) for block in page_truth["prose"])
    truth_share, container_share = score.page_scores(article.get_text(" "), prose)
    return Coverage(container_in_truth=container_share or 0.0, truth_in_container=truth_share or 0.0)


# --------------------------------------------------------------------------------------------


def build_all(work: Path, shared: Path) -> dict[str, bytes]:
    """Every site built and checked; returns relative fixture path -> bytes."""
    score = _score_module(shared)
    sets = truth.corpus_truth(CORPUS)
    files: dict[str, bytes] = {}
    sites: dict[str, object] = {}
    report = []
    for site in SITES:
        pages = build_site(site, work)
        truth_pages = sets[site.sources]["pages"]
        covered = []
        for page, html in pages.items():
            covered.append(check_page(site, page, html, truth_pages[page], score))
            files[f"{site.name}/{page}.html"] = html
        sites[site.name] = site_entry(site)
        report.append((site.name, len(pages), sum(len(truth_pages[p]["code"]) for p in pages), covered))
    document = {
        "format": 1,
        "about": "Truth of fixtures/docs-sites, read from sources/ by bench/docs/truth.py "
        "(see its docstring for what counts as prose). Rebuild with make docs-corpus.",
        "sources": sets,
        "sites": sites,
    }
    files["truth.json"] = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    print(f"{'site':<20} {'pages':>5} {'code':>5}   truth vs the theme's article container")
    for name, n_pages, n_code, covered in report:
        container = sum(c.container_in_truth for c in covered) / len(covered)
        in_container = sum(c.truth_in_container for c in covered) / len(covered)
        print(
            f"{name:<20} {n_pages:>5} {n_code:>5}   "
            f"{container:.3f} of the container is truth, {in_container:.3f} of the truth is in it"
        )
    return files


def _write(files: dict[str, bytes]) -> None:
    for site in SITES:
        shutil.rmtree(CORPUS / site.name, ignore_errors=True)
    for rel, data in files.items():
        path = CORPUS / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)


def _compare(files: dict[str, bytes]) -> list[str]:
    differ = [
        rel
        for rel, data in files.items()
        if not (CORPUS / rel).is_file() or (CORPUS / rel).read_bytes() != data
    ]
    on_disk = {str(p.relative_to(CORPUS)) for s in SITES for p in (CORPUS / s.name).glob("*.html")}
    return sorted(set(differ) | (on_disk - set(files)))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build in a temporary folder and report the files that differ from fixtures/docs-sites",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=ROOT.parent / "shared",
        help="the shared folder (for bench/extraction/score.py)",
    )
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="docs-corpus-") as tmp:
            files = build_all(Path(tmp), args.shared)
    except (BuildError, truth.TruthError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.check:
        differ = _compare(files)
        for rel in differ:
            print(f"differs: fixtures/docs-sites/{rel}")
        print("corpus is up to date" if not differ else f"{len(differ)} files differ: run make docs-corpus")
        return 1 if differ else 0
    _write(files)
    print(f"wrote {len(files)} files to {CORPUS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
