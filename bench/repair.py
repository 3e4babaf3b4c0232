"""Benchmark the repair stage on ../shared/bench/typos: quality per set (the shared score
script, driving pagewash's JSONL repair in one process) and throughput of the whole repair
table on one core.

    .venv/bin/python bench/repair.py [--sets ru_typos,en_typos] [--examples 10]
        [--command CMD] [--skip-repair homoglyphs] [--no-quality] [--no-speed]

Quality figures come from score.py unchanged; throughput is measured in-process after the
lexicons are loaded (the score script's own words/s column also counts process start-up and
lexicon loading).
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
TARGETS = {
    "FPR<=": 0.0005,
    "P>= (synthetic)": 0.98,
    "P>= (ruspellru, bea60k)": 0.90,
}


def default_command(skip: str) -> str:
    python = shlex.quote(sys.executable)
    command = f"{python} -m pagewash.repair --no-changes"
    return command + (f" --skip-repair {shlex.quote(skip)}" if skip else "")


def quality(command: str, sets: str, examples: int) -> int:
    args = [sys.executable, str(BENCH / "score.py"), "--command", command, "--sets", sets,
            "--examples", str(examples)]
    print(f"$ {shlex.join(args)}", flush=True)
    return subprocess.run(args, cwd=ROOT, check=False).returncode


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=ALL_SETS)
    parser.add_argument("--examples", type=int, default=0)
    parser.add_argument("--command", default=None, help="JSONL repair command to score")
    parser.add_argument("--skip-repair", default="", help="rules to skip, comma-separated")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    status = 0
    if not args.no_quality:
        status = quality(args.command or default_command(args.skip_repair), args.sets,
                         args.examples)
    if not args.no_speed:
        throughput(args.sets, args.skip_repair)
    return status


if __name__ == "__main__":
    sys.exit(main())
