"""Rewrites the times in the bundled catalogue's schedule texts into one format per language
(mukaan.catalogue.times, docs/glossary.md), editing only those lines of the YAML files.

    .venv/bin/python -m scripts.normalise_times [DIR]

tests/unit/mukaan/catalogue/test_schedule_times.py checks that every bundled schedule text stays in the format.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from mukaan.catalogue.times import normalise
from mukaan.settings import get_settings

_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[\w-]+):(?P<rest>.*)$")


def rewrite(text: str) -> tuple[str, int]:
    """The file's text with the values under each ``schedule: text:`` normalised."""
    out, changed = [], 0
    schedule = texts = None  # the indents of the open ``schedule:`` and ``text:`` keys
    for line in text.splitlines(keepends=True):
        m = _LINE.match(line)
        if m:
            indent = len(m["indent"])
            if texts is not None and indent <= texts:
                texts = None
            if schedule is not None and indent <= schedule:
                schedule = None
            if m["key"] == "schedule":
                schedule = indent
            elif m["key"] == "text" and schedule is not None:
                texts = indent
            elif texts is not None and m["key"] in ("fi", "sv", "en"):
                new = normalise(m["rest"], m["key"])
                if new != m["rest"]:
                    end = "\n" if line.endswith("\n") else ""
                    line, changed = f"{m['indent']}{m['key']}:{new}{end}", changed + 1
        out.append(line)
    return "".join(out), changed


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else get_settings().catalogue_dir
    total = 0
    for path in sorted(directory.rglob("*.yaml")):
        text, changed = rewrite(path.read_text(encoding="utf-8"))
        if changed:
            path.write_text(text, encoding="utf-8")
            print(f"{path}: {changed} schedule text(s) rewritten")
        total += changed
    print(f"{total} schedule text(s) rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
