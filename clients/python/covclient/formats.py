"""Rule formats and rule files: the names, aliases and file extensions of
the table the C++ CLI shares (proto/rule_formats.txt), and the reading of
rule files into RuleFile messages for CheckRules and FixRules."""

from __future__ import annotations

import os
from typing import Iterable

from cov.v1 import check_pb2
from cov.v1 import rule_formats
from cov.v1 import rules_pb2

# Rule-format names (and aliases) -> RuleFormat.
FORMATS = {
    name: rules_pb2.RuleFormat.Value(enum)
    for enum, primary, aliases, _, _ in rule_formats.RULE_FORMATS
    for name in (primary, *aliases)
}
# File extensions of rule files (what check/fix read from a folder).
RULE_EXTENSIONS = tuple(
    ext for _, _, _, exts, _ in rule_formats.RULE_FORMATS for ext in exts)


def format_value(name: str, what: str = "format") -> int:
    """The RuleFormat of format name `name`; ValueError naming `what` when
    it is not one of FORMATS."""
    if name not in FORMATS:
        raise ValueError(f"{what} must be one of {sorted(FORMATS)}, not {name!r}")
    return FORMATS[name]


def read_rule_files(paths: Iterable[str], root_prefix: str | None = None,
                    rule_format: str | None = None,
                    extensions: tuple[str, ...] = RULE_EXTENSIONS
                    ) -> list[check_pb2.RuleFile]:
    """RuleFile messages for every rule file under `paths` (files or folders).

    Files in folders are those ending in one of `extensions`, hidden folders
    skipped, in sorted order, named relative to `root_prefix` (default: the
    current directory). rule_format: a name of FORMATS read for every file
    (Splunk and Sentinel YAML need it); None: covd decides from the extension.
    """
    fmt = format_value(rule_format, "rule_format") if rule_format is not None else 0
    out = []
    for path in paths:
        if os.path.isfile(path):
            items = [(path, path)]
        else:
            items = []
            for dirpath, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.lower().endswith(extensions):
                        full = os.path.join(dirpath, name)
                        items.append((full, os.path.relpath(full, root_prefix or ".")))
        for full, shown in items:
            with open(full, "rb") as f:
                out.append(check_pb2.RuleFile(path=shown, content=f.read(), format=fmt))
    return out
