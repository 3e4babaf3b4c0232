"""Code comes out byte-exact: one fenced block per code block, in the markups highlighters and
documentation generators write (whitespace tokens, line-number tables and columns, per-line
anchors, lines as elements), with the language from the block's classes, and never repaired.
"""

from __future__ import annotations

import re

import pytest

import pagewash
from fidelity_helpers import LEAD, OPTIONS, TAIL, clean, docx_paragraphs, markdown, page, text
from pagewash.document import CodeBlock, Document, iter_blocks
from pagewash.pipeline import Options

# (case, HTML of one code block, its exact text, its language)
CODE = [
    (
        "pygments-whitespace-tokens",
        '<div class="highlight"><pre><span></span><span class="n">pip</span><span class="w"> </span>'
        'install<span class="w">  </span>pagewash\n<span class="w">\n</span><span class="n">x</span>'
        '<span class="w"> </span>=<span class="w"> </span>1\n</pre></div>',
        "pip install  pagewash\n\nx = 1",
        None,
    ),
    (
        "pygments-table-sphinx",
        '<div class="highlight-python notranslate"><table class="highlighttable"><tr>'
        '<td class="linenos"><div class="linenodiv"><pre><span class="normal">1</span>\n'
        '<span class="normal">2</span>\n<span class="normal">3</span></pre></div></td>'
        '<td class="code"><div class="highlight"><pre><span></span><span class="k">def</span> '
        '<span class="nf">f</span><span class="p">():</span>\n\n    <span class="k">return</span> '
        '<span class="mi">1</span>\n</pre></div></td></tr></table></div>',
        "def f():\n\n    return 1",
        "python",
    ),
    (
        "pygments-inline-linenos",
        '<div class="highlight"><pre><span></span><span class="linenos">1</span>a = 1\n'
        '<span class="linenos">2</span>b = 2\n<span class="linenos">10</span>c = 3\n</pre></div>',
        "a = 1\nb = 2\nc = 3",
        None,
    ),
    (
        "mkdocs-material-linenums-anchors",
        '<div class="language-python highlight"><table class="highlighttable"><tbody><tr>'
        '<td class="linenos"><div class="linenodiv"><pre><span></span><span class="normal">'
        '<a href="#__codelineno-0-1">1</a></span>\n<span class="normal"><a href="#__codelineno-0-2">'
        '2</a></span></pre></div></td><td class="code"><div><pre><span></span><code>'
        '<a id="__codelineno-0-1" name="__codelineno-0-1"></a><span class="n">x</span> '
        '<span class="o">=</span> <span class="p">[</span><span class="mi">1</span><span class="p">]'
        '</span>\n<a id="__codelineno-0-2" name="__codelineno-0-2"></a><span class="n">y</span> '
        '<span class="o">=</span> <span class="s2">"a  b"</span>\n</code></pre></div></td></tr>'
        "</tbody></table></div>",
        'x = [1]\ny = "a  b"',
        "python",
    ),
    (
        "github-blob-table",
        '<table class="highlight tab-size js-file-line-container"><tr>'
        '<td id="L1" class="blob-num js-line-number" data-line-number="1"></td>'
        '<td id="LC1" class="blob-code blob-code-inner js-file-line"><span class="pl-k">def</span> '
        '<span class="pl-en">f</span>():</td></tr><tr><td id="L2" class="blob-num js-line-number" '
        'data-line-number="2"></td><td id="LC2" class="blob-code blob-code-inner js-file-line">    '
        '<span class="pl-k">return</span>  1</td></tr><tr><td class="blob-num" data-line-number="3">'
        '</td><td class="blob-code blob-code-inner"></td></tr><tr><td class="blob-num" '
        'data-line-number="4"></td><td class="blob-code blob-code-inner">x</td></tr></table>',
        "def f():\n    return  1\n\nx",
        None,
    ),
    (
        "highlightjs-line-numbers",
        '<pre><code class="hljs language-js"><table class="hljs-ln"><tbody><tr>'
        '<td class="hljs-ln-line hljs-ln-numbers" data-line-number="1"><div class="hljs-ln-n" '
        'data-line-number="1"></div></td><td class="hljs-ln-line hljs-ln-code" data-line-number="1">'
        '<span class="hljs-keyword">const</span> a = 1;</td></tr><tr><td class="hljs-ln-line '
        'hljs-ln-numbers" data-line-number="2"><div class="hljs-ln-n" data-line-number="2"></div>'
        '</td><td class="hljs-ln-line hljs-ln-code" data-line-number="2">  a++;</td></tr></tbody>'
        "</table></code></pre>",
        "const a = 1;\n  a++;",
        "js",
    ),
    (
        "prism-line-numbers",
        '<pre class="line-numbers language-bash"><code class="language-bash">ls -la\ncd /tmp'
        '<span aria-hidden="true" class="line-numbers-rows"><span></span><span></span></span>'
        "</code></pre>",
        "ls -la\ncd /tmp",
        "bash",
    ),
    (
        "chroma-table",
        '<div class="highlight"><div class="chroma"><table class="lntable"><tr><td class="lntd">'
        '<pre tabindex="0" class="chroma"><code><span class="lnt">1\n</span><span class="lnt">2\n'
        '</span><span class="lnt">3\n</span></code></pre></td><td class="lntd"><pre tabindex="0" '
        'class="chroma"><code class="language-go" data-lang="go"><span class="line"><span class="cl">'
        '<span class="kn">package</span> <span class="nx">main</span>\n</span></span><span class="line">'
        '<span class="cl">\n</span></span><span class="line"><span class="cl"><span class="kd">func'
        '</span> <span class="nf">main</span>() {}\n</span></span></code></pre></td></tr></table>'
        "</div></div>",
        "package main\n\nfunc main() {}",
        "go",
    ),
    (
        "lines-as-divs",
        '<pre><code><div class="line">a = 1</div><div class="line"></div>'
        '<div class="line">  b = 2</div></code></pre>',
        "a = 1\n\n  b = 2",
        None,
    ),
    (
        "lines-as-divs-ending-in-newlines",
        '<pre><code><div class="line">a = 1\n</div><div class="line">\n</div>'
        '<div class="line">b = 2\n</div></code></pre>',
        "a = 1\n\nb = 2",
        None,
    ),
    ("pre-with-breaks", "<pre>a<br>b<br><br>c</pre>", "a\nb\n\nc", None),
    (
        "copy-controls",
        '<div class="language-sh highlight"><pre><button class="md-clipboard" title="Copy">'
        '</button><span class="copy-code-button">Copy</span><code>make test</code></pre></div>',
        "make test",
        "sh",
    ),
    (
        "pandoc-source-code",
        '<div class="sourceCode" id="cb1"><pre class="sourceCode python"><code class="sourceCode '
        'python"><span id="cb1-1"><a href="#cb1-1" aria-hidden="true" tabindex="-1"></a>'
        '<span class="bu">print</span>(<span class="st">&quot;hi&quot;</span>)</span>\n'
        '<span id="cb1-2"><a href="#cb1-2" aria-hidden="true" tabindex="-1"></a>x '
        '<span class="op">=</span> <span class="dv">1</span></span></code></pre></div>',
        'print("hi")\nx = 1',
        "python",
    ),
    ("prettify-lang", '<pre class="prettyprint lang-js">var x;</pre>', "var x;", "js"),
    (
        "sphinx-highlight-wrapper",
        '<div class="highlight-sh notranslate"><div class="highlight"><pre><span></span>'
        '<span class="gp">$ </span>pip<span class="w"> </span>install<span class="w"> </span>x\n'
        "</pre></div></div>",
        "$ pip install x",
        "sh",
    ),
    ("syntaxhighlighter-brush", '<pre class="brush: ruby; gutter: false">puts 1</pre>', "puts 1", "ruby"),
    (
        "entities-decoded-once",
        '<pre><code>if a &lt; b &amp;&amp; c &gt; d:\n    print("&amp;lt;")</code></pre>',
        'if a < b && c > d:\n    print("&lt;")',
        None,
    ),
    ("tabs-and-trailing-spaces", "<pre>\tx = 1   \n\t\ty\n</pre>", "\tx = 1   \n\t\ty", None),
    ("backticks-inside", "<pre>a ``` b\n````</pre>", "a ``` b\n````", None),
]
IDS = [case[0] for case in CODE]


def code_blocks(doc: Document) -> list[CodeBlock]:
    return [b for _, b in iter_blocks(doc.blocks) if isinstance(b, CodeBlock)]


@pytest.mark.parametrize(("name", "html", "code", "language"), CODE, ids=IDS)
def test_code_block_is_byte_exact_once_with_its_language(
    name: str, html: str, code: str, language: str | None
) -> None:
    blocks = code_blocks(clean(html))
    assert [(b.text, b.language) for b in blocks] == [(code, language)]


@pytest.mark.parametrize(("name", "html", "code", "language"), CODE, ids=IDS)
def test_markdown_fences_the_code_exactly(name: str, html: str, code: str, language: str | None) -> None:
    md = markdown(html)
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    assert f"{fence}{language or ''}\n{code}\n{fence}\n" in md
    assert md.count(fence + "\n") == 2 - (language is not None)  # one block, no number column


@pytest.mark.parametrize(("name", "html", "code", "language"), CODE, ids=IDS)
def test_plain_text_holds_the_code_exactly(name: str, html: str, code: str, language: str | None) -> None:
    assert f"\n\n{code}\n\n" in text(html)


def test_docx_holds_every_code_block_exactly() -> None:
    doc = pagewash.clean(page("".join(html + f"<p>{LEAD}</p>" for _, html, _, _ in CODE)), OPTIONS)
    data = pagewash.render_document(doc, Options(to="docx", repair=False))
    paragraphs = docx_paragraphs(bytes(data))
    missing = [name for name, _, code, _ in CODE if code not in paragraphs]
    assert not missing, paragraphs


def test_inline_code_keeps_its_spaces_and_line_breaks() -> None:
    md = markdown(f"<p>{LEAD} Run <code>pip<span> </span>install</code> or <code>a<br>b</code> now.</p>")
    assert "Run `pip install` or `a b` now." in md


def test_code_deep_inside_the_article_is_kept() -> None:
    """Tabs and admonitions nest a block four or five levels below the article's prose; the
    neighbour and cluster rules must not drop code inside the chosen content."""
    tabs = (
        '<div class="tabbed-set"><div class="tabbed-content"><div class="tabbed-block">'
        '<div class="admonition note"><div class="language-toml highlight"><pre><code>'
        "[tool]\nx = 1</code></pre></div></div></div></div></div>"
    )
    body = (
        f"<h2>Setup</h2><p>{LEAD}</p>{tabs}<pre><code>y = 2</code></pre>"
        f"<p>{TAIL}</p><div><div><div><div><pre>z = 3</pre></div></div></div></div>"
    )
    texts = [b.text for b in code_blocks(clean(body))]
    assert texts == ["[tool]\nx = 1", "y = 2", "z = 3"]


def test_no_repair_rule_runs_inside_code() -> None:
    """Mojibake, soft hyphens, homoglyphs, hyphenation and lost apostrophes are repaired in
    prose; the same characters inside inline code and a code block stay as the page has
    them, through the whole pipeline with every repair rule on."""
    damaged = "cafÃ© na\u00adme Russias СевероВосточной exam-\nple Рython"
    html = f"<p>{LEAD} See <code>{damaged}</code> here.</p><pre><code>{damaged}\n  x = 'Ã©'</code></pre>"
    doc = pagewash.clean(page(html))
    inline = [
        run.text
        for _, b in iter_blocks(doc.blocks)
        for run in getattr(b, "inlines", ())
        if type(run).__name__ == "Code"
    ]
    assert inline == [damaged.replace("\n", "\n")]
    assert [b.text for b in code_blocks(doc)] == [f"{damaged}\n  x = 'Ã©'"]
    assert not [c for c in doc.changes if c.stage == "repair" and "Ã" in c.before]


def test_code_block_inside_a_table_cell_keeps_its_lines() -> None:
    """A table cell holds inline runs: the block's lines come out as code, one per line."""
    table = (
        "<table><tr><th>Task</th><th>Command</th></tr><tr><td>run the tests</td>"
        "<td><pre>make test\n  --verbose</pre></td></tr></table>"
    )
    md = markdown(table)
    assert "<td><code>make test</code><br><code>  --verbose</code></td>" in md
    assert "run the tests\tmake test --verbose" in text(table)  # a text table row is one line
