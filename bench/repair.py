"""Benchmark the repair stage on ../shared/bench/typos: quality per set (the shared score
script running ``<venv>/bin/pagewash repair --jsonl``, the command the repair issue names)
and throughput of the whole repair table on one core.

    .venv/bin/python bench/repair.py [--sets ru_typos,en_typos] [--examples 10]
        [--command CMD] [--skip-repair homoglyphs] [--no-compare] [--no-quality]
        [--no-speed] [--by-rule]

Each set is scored twice: with every rule, and without ``homoglyphs`` and ``lost_hyphen``
(the Russian sets' gold texts keep Latin look-alike letters inside Russian words and some
solid compounds, so right fixes by those two rules count as damage there); ``--no-compare``
scores only the first. Quality figures come from score.py unchanged; throughput is measured
in-process after the lexicons are loaded (the score script's own words/s column also counts
process start-up and lexicon loading).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = (ROOT.parent / "shared" / "bench" / "typos").resolve()
ALL_SETS = "ru_typos,en_typos,ru_title_typos,en_apostrophe,ru_hyphen,ruspellru,bea60k"
WORD = re.compile(r"[^\W_]+(?:[-\u2010\u2011'\u2019][^\W_]+)*")
# Targets of the repair issue: (max FPR, min P, min R) per set.
TARGETS = {
    "ru_typos": (0.0005, 0.98, 0.75),
    "en_typos": (0.0005, 0.98, 0.75),
    "ru_title_typos": (0.0005, 0.98, 0.5),
    "en_apostrophe": (0.0005, 0.98, 0.5),
    "ru_hyphen": (0.0005, 0.98, 0.85),
    "ruspellru": (0.0005, 0.90, 0.0),
    "bea60k": (0.0005, 0.90, 0.0),
}


# Rules whose right fixes the Russian sets' gold texts do not make (see the docstring).
GOLD_DISAGREES = ("homoglyphs", "lost_hyphen")


def default_command(skip: str) -> str:
    """The CLI of this virtual environment: ``<venv>/bin/pagewash repair --jsonl``."""
    cli = Path(sys.executable).parent / "pagewash"
    if not cli.exists():
        raise SystemExit(f"{cli} not found: install pagewash into this environment "
                         "(pip install -e .)")
    command = f"{shlex.quote(str(cli))} repair --jsonl -"
    return command + (f" --skip-repair {shlex.quote(skip)}" if skip else "")


def quality(command: str, sets: str, examples: int) -> tuple[int, str]:
    args = [sys.executable, str(BENCH / "score.py"), "--command", command, "--sets", sets,
            "--examples", str(examples)]
    print(f"$ {shlex.join(args)}", flush=True)
    proc = subprocess.run(args, cwd=ROOT, check=False, capture_output=True, text=True)
    print(proc.stdout, end="")
    print(proc.stderr, end="", file=sys.stderr)
    if proc.returncode == 0:
        print_targets(proc.stdout)
    return proc.returncode, proc.stdout


def compare(full: str, without: str) -> None:
    """One row per set: P, R and FPR with every rule and without ``GOLD_DISAGREES``."""
    print(f"\n| set | P | R | FPR | P w/o {'+'.join(GOLD_DISAGREES)} | R w/o | FPR w/o |")
    print("|---|---|---|---|---|---|---|")
    rows = _figures(without)
    for name, (precision, recall, fpr) in _figures(full).items():
        other = rows.get(name)
        rest = f"{other[0]:.3f} | {other[1]:.3f} | {other[2]:.5f}" if other else "- | - | -"
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {fpr:.5f} | {rest} |")


def _figures(table: str) -> dict[str, tuple[float, float, float]]:
    figures = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 6 and cells[0] in TARGETS:
            figures[cells[0]] = (float(cells[2]), float(cells[3]), float(cells[5]))
    return figures


def print_targets(table: str) -> None:
    """Each set's figures against the targets, with the shortfalls named."""
    print("\n| set | FPR | P | R | verdict |\n|---|---|---|---|---|")
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) < 6 or cells[0] not in TARGETS:
            continue
        precision, recall, fpr = float(cells[2]), float(cells[3]), float(cells[5])
        max_fpr, min_p, min_r = TARGETS[cells[0]]
        misses = [f"{name} {value:g} vs {bound:g}" for name, value, bound, ok in (
            ("FPR", fpr, max_fpr, fpr <= max_fpr), ("P", precision, min_p, precision >= min_p),
            ("R", recall, min_r, recall >= min_r)) if not ok]
        verdict = "meets targets" if not misses else "short: " + "; ".join(misses)
        print(f"| {cells[0]} | {fpr:.5f} | {precision:.3f} | {recall:.3f} | {verdict} |")


def throughput(sets: str, skip: str) -> None:
    from pagewash.repair import RepairConfig, repair_text
    from pagewash.repair.lexicon import lexicon

    lexicon("en"), lexicon("ru")
    config = RepairConfig(skip=tuple(s for s in skip.split(",") if s))
    total_words = 0
    total_time = 0.0
    for name in sets.split(","):
        rows = [json.loads(line) for line in
                (BENCH / "data" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
                if line]
        words = sum(len(WORD.findall(r["src"])) for r in rows)
        start = time.process_time()
        for row in rows:
            repair_text(row["src"], row["lang"], config)
        elapsed = time.process_time() - start
        total_words += words
        total_time += elapsed
        print(f"| {name} | {words} words | {words / elapsed:,.0f} words/s (CPU, one core) |")
    print(f"| all | {total_words} words | {total_words / total_time:,.0f} words/s |")


def by_rule(sets: str, skip: str) -> None:
    """Attribute each edit to the rule that made it: right (matches the gold), wrong (a gold
    error fixed differently) or damage (a word the gold leaves alone)."""
    import importlib.util
    from collections import Counter

    from pagewash.repair import RepairConfig, repair_text

    spec = importlib.util.spec_from_file_location("typo_score", BENCH / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {BENCH / 'score.py'}")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    config = RepairConfig(skip=tuple(s for s in skip.split(",") if s))
    print("\n| set | rule | right | wrong | damage |\n|---|---|---|---|---|")
    for name in sets.split(","):
        tally: Counter[tuple[str, str]] = Counter()
        for line in (BENCH / "data" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            repaired, changes = repair_text(row["src"], row["lang"], config)
            src = score.words(row["src"])
            gold = {(a, b): g for a, b, g in score.align(src, score.words(row["gold"]))}
            covered = {k for a, b in gold for k in range(a, max(b, a + 1))}
            for (a, b), made in {(a, b): g for a, b, g in
                                 score.align(src, score.words(repaired))}.items():
                words = " ".join(src[a:b])
                rule = next((c.rule for c in changes if words and (
                    c.before in words or any(w in c.before for w in src[a:b]))), "?")
                if gold.get((a, b)) is not None and " ".join(gold[(a, b)].split()) == made:
                    tally[(rule, "right")] += 1
                else:
                    tally[(rule, "wrong" if a in covered else "damage")] += 1
        for rule in sorted({r for r, _ in tally}):
            print(f"| {name} | {rule} | {tally[(rule, 'right')]} | {tally[(rule, 'wrong')]} | "
                  f"{tally[(rule, 'damage')]} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=ALL_SETS)
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--command", default=None, help="JSONL repair command to score")
    parser.add_argument("--skip-repair", default="", help="rules to skip, comma-separated")
    parser.add_argument("--no-compare", action="store_true",
                        help=f"do not also score without {','.join(GOLD_DISAGREES)}")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--by-rule", action="store_true",
                        help="attribute right, wrong and damaging edits to rules")
    args = parser.parse_args()
    status = 0
    if not args.no_quality:
        status, full = quality(args.command or default_command(args.skip_repair), args.sets,
                               args.examples)
        if not args.no_compare and args.command is None and status == 0:
            skip = ",".join(dict.fromkeys((*filter(None, args.skip_repair.split(",")),
                                           *GOLD_DISAGREES)))
            status, without = quality(default_command(skip), args.sets, args.examples)
            compare(full, without)
    if not args.no_speed:
        throughput(args.sets, args.skip_repair)
    if args.by_rule:
        by_rule(args.sets, args.skip_repair)
    return status


if __name__ == "__main__":
    sys.exit(main())
