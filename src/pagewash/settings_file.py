"""Settings files: a TOML file whose tables hold defaults for each command's options.

```toml
[convert]
protected = "words.txt"
skip-repair = "typos"
to = "epub"

[repair]
corrections = "fixes.tsv"
```
Keys are the long option names (dashes or underscores); options given on the command line win.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pagewash.errors import RulesError


def load_defaults(path: Path, commands: Mapping[str, set[str]]) -> dict[str, dict[str, Any]]:
    """Read ``path`` and return click's ``default_map``; unknown tables or keys are errors."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(f"cannot read config {path} ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"config {path} is not valid TOML: {exc}") from exc
    defaults: dict[str, dict[str, Any]] = {}
    for table, values in data.items():
        if table not in commands or not isinstance(values, dict):
            raise RulesError(f"config {path}: unknown table [{table}]; use {sorted(commands)}")
        known = commands[table]
        entries: dict[str, Any] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name not in known:
                raise RulesError(f"config {path}: [{table}] has no option '{key}'")
            entries[name] = _relative(value, path.parent) if _is_path_option(name) else value
        defaults[table] = entries
    return defaults


_PATH_OPTIONS = frozenset({"protected", "corrections", "rules", "reference_doc", "css", "cover", "out_dir"})


def _is_path_option(name: str) -> bool:
    return name in _PATH_OPTIONS


def _relative(value: Any, base: Path) -> Any:
    """Paths in a config file are relative to the file, as users expect."""
    if isinstance(value, str) and not Path(value).is_absolute():
        return str(base / value)
    return value
