"""Read and validate the human-editable catalogue files (``catalogue/data/activities/*.yaml``).

Every problem is reported with its file and line, and nothing is returned unless the whole
set is valid: callers either get every activity or a :class:`CatalogueError`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from mukaan.catalogue.schema import Activity
from mukaan.gazette import gazette
from mukaan.settings import CATALOGUE_DATA

DATA_DIR = CATALOGUE_DATA / "activities"


@dataclass
class Problem:
    """Something wrong (``level`` "error": nothing is imported), or worth a look ("warning":
    imported all the same; "note": what the importer inferred, skipped or left out).
    ``where`` is a JSON path when the file is JSON; ``record`` the record's id in the source;
    ``fix`` what to do about it."""
    file: str
    line: int
    message: str
    level: str = "error"
    record: str = ""
    where: str = ""
    fix: str = ""

    def __str__(self) -> str:
        at = f"{self.file}:{self.line}:" + (f" {self.where}:" if self.where else "")
        who = f" [{self.record}]" if self.record else ""
        tag = "" if self.level == "error" else f" {self.level}:"
        return f"{at}{tag}{who} {self.message}" + (f" — {self.fix}" if self.fix else "")

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class CatalogueError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def _line_of(node: yaml.Node, loc: tuple) -> int:
    """The 1-based line of the YAML node at pydantic location ``loc`` inside ``node``."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == key), None)
            if child is None:
                child = next((k for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        else:
            child = None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _record_errors(exc: ValidationError, node: yaml.Node, file: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "activity"
        out.append(Problem(file, _line_of(node, err["loc"]), f"{where}: {err['msg']}"))
    return out


def parse_records(records: list[tuple[dict, yaml.Node | None, int]], file: str) -> tuple[list[Activity], list[Problem]]:
    """Validate raw records (``dict``, its YAML node if any, its line) into activities."""
    activities, problems = [], []
    for raw, node, line in records:
        if not isinstance(raw, dict):
            problems.append(Problem(file, line, "each activity must be a mapping of fields"))
            continue
        raw = dict(raw)
        place = raw.get("municipality")
        if isinstance(place, str):
            resolved = gazette().resolve(place)
            if resolved is None:
                problems.append(Problem(file, line, f"municipality: unknown municipality {place!r}"))
                continue
            raw["municipality"] = resolved.model_dump()
        try:
            activities.append(Activity.model_validate(raw))
        except ValidationError as exc:
            problems.extend(_record_errors(exc, node, file) if node is not None
                            else [Problem(file, line, f"{'.'.join(map(str, e['loc']))}: {e['msg']}")
                                  for e in exc.errors()])
    return activities, problems


def read_yaml(path: Path) -> tuple[list[Activity], list[Problem]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        return [], [Problem(name, 1, f"the file is not UTF-8 text ({exc.reason})")]
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        return [], [Problem(name, line, f"YAML syntax: {exc.problem}")]
    if data is None:
        return [], []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        return [], [Problem(name, 1, "the file must be a YAML list of activities")]
    records = [(raw, item, item.start_mark.line + 1) for raw, item in zip(data, node.value)]
    return parse_records(records, name)


def shown(activities: list[Activity]) -> list[Activity]:
    """The activities residents may see: those with nothing left for staff to fill in."""
    return [a for a in activities if a.shown]


def load_dir(directory: Path = DATA_DIR) -> list[Activity]:
    """All activities in ``directory``; raises :class:`CatalogueError` listing every problem."""
    activities: list[Activity] = []
    problems: list[Problem] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CatalogueError([Problem(str(directory), 0, "no *.yaml catalogue files found")])
    seen: dict[str, str] = {}
    for path in files:
        found, bad = read_yaml(path)
        problems.extend(bad)
        for a in found:
            if a.id in seen:
                problems.append(Problem(str(path), 1, f"id {a.id!r} is used twice (also in {seen[a.id]})"))
            seen.setdefault(a.id, str(path))
        activities.extend(found)
    if problems:
        raise CatalogueError(problems)
    return activities
