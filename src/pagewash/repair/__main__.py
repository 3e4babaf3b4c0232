"""``python -m pagewash.repair``: repair JSONL records {"id", "lang"?, "text"} from stdin to
{"id", "text", "changes"} on stdout in one process (the benchmark's entry point)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from pagewash.errors import PagewashError
from pagewash.repair import RepairConfig, repair_records


def _names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


def _records(lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise PagewashError(f"line {number}: not JSON ({exc.msg})") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pagewash.repair", description=__doc__)
    parser.add_argument("--preset", default=None, help="repair preset (safe, aggressive)")
    parser.add_argument("--repair", type=_names, default=None, help="only these rules")
    parser.add_argument("--skip-repair", type=_names, default=(), help="skip these rules")
    parser.add_argument("--no-changes", action="store_true", help="omit the change lists")
    args = parser.parse_args(argv)
    try:
        config = RepairConfig(rules=args.repair, skip=args.skip_repair, preset=args.preset)
        for record in repair_records(_records(iter(sys.stdin)), config):
            if args.no_changes:
                record.pop("changes")
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    except PagewashError as exc:
        print(f"pagewash repair: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
