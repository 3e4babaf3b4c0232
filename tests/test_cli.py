"""The command line through a real subprocess: outputs, every error path, no stray files."""

from __future__ import annotations

import codecs
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES

SEED = FIXTURES / "seed" / "input.html"
PAGE = (
    "<html><head><title>A note</title></head><body><article><h1>A note</h1>"
    + "<p>This is a short article with a few plain sentences of real content in it.</p>" * 3
    + "</article></body></html>"
).encode()


def run(
    *args: str | Path, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pagewash", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_version_and_help() -> None:
    assert run("--version").stdout.decode().startswith("pagewash, version ")
    helped = run("convert", "--help")
    assert helped.returncode == 0 and b"Examples:" in helped.stdout


def test_markdown_to_stdout() -> None:
    result = run("convert", SEED)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert text.startswith("---\n")
    assert "\n# Отношения России с КНДР в XXI веке: итоги двадцатилетия\n" in text


def test_stdin_and_format_from_suffix(tmp_path: Path) -> None:
    out = tmp_path / "seed.epub"
    result = run("convert", "-", "-o", out, stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as book:
        assert book.read("mimetype") == b"application/epub+zip"
    assert [p.name for p in tmp_path.iterdir()] == ["seed.epub"]


def test_pandoc_text_formats_go_to_stdout() -> None:
    result = run("convert", SEED, "--to", "html")
    assert result.returncode == 0, result.stderr
    assert "Отношения России с КНДР" in result.stdout.decode()


def test_explain_lists_removals_and_repairs(tmp_path: Path) -> None:
    report = tmp_path / "changes.json"
    result = run("convert", SEED, "--explain", "--report", report, "-o", tmp_path / "a.md")
    assert result.returncode == 0, result.stderr
    explained = result.stderr.decode()
    assert "dropped" in explained and "repair" in explained
    assert report.read_text(encoding="utf-8").lstrip().startswith("[")


@pytest.mark.parametrize(
    ("args", "data", "status", "message"),
    [
        (("convert", "missing.html"), None, 2, "no such file"),
        (("convert", "page.html", "--to", "nosuchformat", "-o", "x.out"), PAGE, 2, "nosuchformat"),
        (("convert", "page.html", "-o", "out.weird"), PAGE, 2, "cannot tell the format"),
        (("convert", "page.html", "-o", "page.html"), PAGE, 2, "is the input"),
        (("convert", "page.html", "--to", "docx"), PAGE, 2, "-o"),
        (("convert", "page.html", "--report", "page.html", "-o", "a.md"), PAGE, 2, "is the input"),
        (("convert", "page.html", "--report", "a.md", "-o", "a.md"), PAGE, 2, "is the output"),
        (("convert", "."), None, 2, "is a folder"),
        (("convert", "page.html", "--out-dir", "out", "--to", "nosuchformat"), PAGE, 2, "nosuchformat"),
        (("convert", "page.html", "--out-dir", "out", "--explain"), PAGE, 2, "one input"),
        (("convert", "page.html"), b"%PDF-1.4 binary", 1, "not an HTML page"),
        (("convert", "page.html"), bytes(range(256)) * 8, 1, "binary data"),
        (("convert", "page.html"), codecs.BOM_UTF16_LE + b"<\x00p\x00\x00\xd8", 1, "not valid"),
        (("convert", "page.html"), b"", 1, "empty"),
        (("convert", "page.html", "--repair", "no_such_rule"), PAGE, 2, "no_such_rule"),
    ],
)
def test_error_paths(
    tmp_path: Path, args: tuple[str, ...], data: bytes | None, status: int, message: str
) -> None:
    if data is not None:
        (tmp_path / "page.html").write_bytes(data)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(*args, cwd=tmp_path)
    assert result.returncode == status, result.stderr
    err = result.stderr.decode()
    assert message in err
    assert err.startswith("pagewash: error:") and err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written, input intact
    if data is not None:
        assert (tmp_path / "page.html").read_bytes() == data


def test_failed_render_leaves_previous_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "seed.md"
    out.write_text("previous", encoding="utf-8")
    (tmp_path / "bad.html").write_bytes(b"%PDF-1.4")
    assert run("convert", tmp_path / "bad.html", "-o", out).returncode == 1
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.html", "seed.md"]
    assert not list(tmp_path.glob("*.part"))


def test_demo_conversion_is_byte_identical_twice(tmp_path: Path) -> None:
    for name in ("a", "b"):
        for suffix in ("md", "docx", "epub"):
            result = run("convert", SEED, "-o", tmp_path / f"{name}.{suffix}")
            assert result.returncode == 0, result.stderr
    for suffix in ("md", "docx", "epub"):
        assert (tmp_path / f"a.{suffix}").read_bytes() == (tmp_path / f"b.{suffix}").read_bytes()


def test_login_wall_has_no_main_content(tmp_path: Path) -> None:
    out = tmp_path / "wall.md"
    result = run("convert", FIXTURES / "en-login-wall" / "input.html", "-o", out)
    assert result.returncode == 3
    assert b"no main content" in result.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_malformed_rules_file_is_a_usage_error(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[selectors\nbroken", encoding="utf-8")
    result = run("convert", SEED, "--rules", rules)
    assert result.returncode == 2
    assert str(rules.name) in result.stderr.decode()


def test_config_file_sets_defaults_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "pagewash.toml"
    config.write_text("[convert]\nno-repair = true\nfront-matter = false\n", encoding="utf-8")
    result = run("--config", config, "convert", SEED)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert not text.startswith("---") and "Респубикой" in text  # repair off, no front matter
    config.write_text("[convert]\nno-such-option = 1\n", encoding="utf-8")
    refused = run("--config", config, "convert", SEED)
    assert refused.returncode == 2 and b"no-such-option" in refused.stderr


def test_repair_command_plain_and_jsonl(tmp_path: Path) -> None:
    text = "Russias economy and the countrys borders were discussed.\n"
    plain = run("repair", "--lang", "en", "-", stdin=text.encode())
    assert plain.returncode == 0, plain.stderr
    assert "Russia's" in plain.stdout.decode()
    lines = (
        '{"id": 1, "lang": "en", "text": "The countrys position was clear."}\n'
        "not json\n"
        '{"id": 2, "text": "Nothing to fix here."}\n'
    )
    result = run("repair", "--jsonl", "-", stdin=lines.encode())
    assert result.returncode == 1  # one bad line: reported, the rest still repaired
    out = [line for line in result.stdout.decode().splitlines() if line]
    assert len(out) == 3
    assert "country's" in out[0] and '"status": "error"' in out[1] and "Nothing to fix" in out[2]


def test_repair_command_language_switch() -> None:
    """``--languages`` leaves text in the other languages as it is; an unsupported one is a
    usage error."""
    text = "Респубикой стала Республикой. Russias economy.\n".encode()
    # The aggressive preset: "Russias" here has no evidence the safe preset accepts.
    english = run("repair", "--preset", "aggressive", "--languages", "en", "-", stdin=text)
    assert english.returncode == 0, english.stderr
    assert english.stdout.decode() == "Респубикой стала Республикой. Russia's economy.\n"
    russian = run("repair", "--preset", "aggressive", "--languages", "ru", "-", stdin=text)
    assert russian.stdout.decode() == "Республикой стала Республикой. Russias economy.\n"
    unknown = run("repair", "--languages", "de", "-", stdin=text)
    assert unknown.returncode == 2 and b"unsupported repair language" in unknown.stderr
    assert unknown.stdout == b""


def test_extension_never_decides_the_format(tmp_path: Path) -> None:
    """A page saved as .bin, with no extension, or gzipped under any name is sniffed as HTML."""
    import gzip

    for name, data in (
        ("page.bin", SEED.read_bytes()),
        ("page", SEED.read_bytes()),
        ("page.dat", gzip.compress(SEED.read_bytes())),
    ):
        (tmp_path / name).write_bytes(data)
        result = run("convert", tmp_path / name, "--to", "txt")
        assert result.returncode == 0, (name, result.stderr)
        assert "Отношения России с КНДР" in result.stdout.decode()
