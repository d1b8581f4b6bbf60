"""Bring activities in from other formats, all-or-nothing.

One module per format, each giving ``(records, problems)`` for a file:

* ``import_csv`` — Mukaan's spreadsheet (Excel "CSV UTF-8"), one activity per row;
* ``import_hsds`` — Open Referral HSDS 3: one service, a list, an API page, an organisation
  with its services, a document set, or the tabular package (folder, zip or services.csv);
* ``import_linked_events`` — Linked Events API responses (the events API of Finnish cities).

Every problem is a :class:`~mukaan.catalogue.loader.Problem`: an error keeps the whole file
out; warnings and notes (what was inferred, skipped or left out) are reported with the import.
:func:`import_file` validates everything first, then writes ``imported-<name>.yaml`` into the
data folder and refreshes the store; if anything fails, the data folder and the store are left
exactly as they were. ``hsds_export`` gives the catalogue out as HSDS 3.0. The formats and
options are described in ``catalogue/README.md``.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import yaml

from mukaan.catalogue.formats.common import Options, clean, read_json, read_text, slug
from mukaan.catalogue.formats.csv_import import CSV_COLUMNS, csv_records
from mukaan.catalogue.formats.hsds_export import export_hsds
from mukaan.catalogue.formats.hsds_import import hsds_records
from mukaan.catalogue.formats.linked_events import is_linked_events, le_records, read_places
from mukaan.catalogue.loader import CatalogueError, Problem, load_dir, parse_records, read_yaml, shown
from mukaan.catalogue.schema import Activity
from mukaan.settings import Settings

__all__ = ["FORMATS", "Options", "detect_format", "export_hsds", "import_file", "load_places",
           "read_csv", "read_file", "read_hsds", "read_linked_events", "slug", "to_yaml"]

FORMATS = ("csv", "hsds", "linked-events")
_READERS = {"csv": csv_records, "hsds": hsds_records, "linked-events": le_records}


def detect_format(path: Path) -> str | None:
    """``csv``, ``hsds`` or ``linked-events`` from the file's extension and content: a folder
    or zip is an HSDS package; a CSV with HSDS's service columns is HSDS's services.csv."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".zip":
        return "hsds"
    if suffix in (".csv", ".tsv", ".txt"):
        text, _ = read_text(path)
        header = {h.strip().strip('"').lower() for h in (text or "").split("\n", 1)[0].replace(";", ",").split(",")}
        mukaan = header & set(CSV_COLUMNS) - {"id", "url", "source"}
        return "hsds" if not mukaan & {"kind", "name_fi", "topics"} and {"id", "name"} <= header else "csv"
    if suffix != ".json":
        return None
    data, _, problems = read_json(path)
    if problems:
        return "hsds"                                  # let the reader report the problem
    return "linked-events" if is_linked_events(data) else "hsds"


def load_places(path: Path) -> tuple[dict, list[Problem]]:
    """A places file for ``--places``: Linked Events place pages, or {"name": "municipality"}."""
    data, _, problems = read_json(Path(path))
    return (read_places(data) if not problems else {}), problems


def _read(path: Path, fmt: str | None, options: Options):
    """(activity, line) pairs and every problem, warning and note, in the order of the file;
    ids repeated within the file are problems too."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in _READERS:
        return [], [Problem(str(path), 0, f"cannot tell the format: give one of {', '.join(FORMATS)}")]
    try:
        records, problems = _READERS[fmt](path, options)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:   # a shape no reader expects
        return [], [Problem(str(path), 1, f"the file is not {fmt} as its documentation describes it "
                            f"({type(exc).__name__}: {exc})", fix="check the file, or give another --format")]
    pairs, seen = [], {}
    for record in records:
        found, bad = parse_records([record], str(path))
        for problem in bad:
            problem.record = record[0].get("id", "") if isinstance(record[0], dict) else ""
        problems.extend(bad)
        for a in found:
            if a.id in seen:
                problems.append(Problem(str(path), record[2], f"id {a.id!r} is used twice (also line {seen[a.id]})",
                                        record=a.id))
            seen.setdefault(a.id, record[2])
            pairs.append((a, record[2]))
    return pairs, sorted(problems, key=lambda p: p.line)


def read_file(path: Path, fmt: str | None = None, municipality: str | None = None, **options):
    """``(activities, problems)`` from a CSV, HSDS or Linked Events file; ``problems`` holds the
    warnings and notes too (``Problem.level``)."""
    pairs, problems = _read(path, fmt, Options(municipality=municipality, **options))
    return [a for a, _ in pairs], problems


def read_csv(path: Path):
    return read_file(path, "csv")


def read_hsds(path: Path, municipality: str | None = None, **options):
    return read_file(path, "hsds", municipality, **options)


def read_linked_events(path: Path, municipality: str | None = None, **options):
    return read_file(path, "linked-events", municipality, **options)


class _FlowDumper(yaml.SafeDumper):
    """Short lists of plain values in flow style (``topics: [grief, loneliness]``), as in the data files."""


_FlowDumper.add_representer(list, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=all(isinstance(i, (str, dt.date)) and len(str(i)) < 30 for i in v)))
_FlowDumper.add_representer(str, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", v, style="|" if "\n" in v else None))


def to_yaml(activities: list[Activity], header: str = "") -> str:
    """The activities in the shape of the data files (municipality by name, no empty fields)."""
    records = []
    for a in activities:
        d = a.model_dump(exclude_none=True)
        d["municipality"] = a.municipality.fi if a.municipality else None
        d["schedule"] = clean(d["schedule"])
        records.append({k: v for k, v in d.items() if v is not None and v != []})
    body = yaml.dump(records, Dumper=_FlowDumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body.replace("\n- id:", "\n\n- id:")


def _write(target: Path, data: bytes) -> None:
    """Replace ``target`` in one step: readers never see half a file."""
    tmp = target.with_name(f".{target.name}.tmp")          # not *.yaml: never loaded
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def import_file(path: Path, *, data_dir: Path, store=None, embedder=None, fmt: str | None = None,
                municipality: str | None = None, dry_run: bool = False, places: dict | None = None,
                as_of: dt.date | None = None, settings: Settings | None = None) -> dict:
    """Validate ``path`` fully; then write ``data_dir/imported-<name>.yaml`` and make ``store``
    hold the whole data folder (what may be shown). Raises :class:`CatalogueError` (nothing
    changed) on errors, with the warnings and notes as its ``report``. The result's ``report``
    lists every warning and note (what was inferred, skipped or left out, per record).

    Importing the same file again replaces its earlier ``imported-…`` file. Without an
    ``embedder``, the one ``settings`` describe is loaded once the file is found valid."""
    path, data_dir = Path(path), Path(data_dir)
    options = Options(municipality=municipality, places=places or {}, as_of=as_of)
    pairs, problems = _read(path, fmt, options)
    report = [p for p in problems if not p.is_error]
    errors = [p for p in problems if p.is_error]
    if not pairs and not errors and not report:
        errors = [Problem(str(path), 1, "no activities found")]
    target = data_dir / f"imported-{slug(path.stem) or 'file'}.yaml"
    if not errors:
        owners: dict[str, str] = {}
        if any(data_dir.glob("*.yaml")):
            load_dir(data_dir)                         # the folder itself must be valid
            for f in sorted(data_dir.glob("*.yaml")):
                if f != target:
                    owners.update((a.id, f.name) for a in read_yaml(f)[0])
        errors = [Problem(str(path), line, f"id {a.id!r} is already in the catalogue ({owners[a.id]})", record=a.id)
                  for a, line in pairs if a.id in owners]
    if errors:
        raise _failed(errors, report)
    result = {"file": target, "activities": len(pairs), "dry_run": dry_run, "report": report,
              "hidden": sum(not a.shown for a, _ in pairs)}
    if dry_run or not pairs:
        return result
    previous = target.read_bytes() if target.exists() else None
    header = (f"# Imported from {path.name} on {dt.date.today().isoformat()} by `catalogue import`.\n"
              "# Human-editable like the other files; importing the same file again replaces this one.\n")
    done = False
    try:
        try:
            _write(target, to_yaml([a for a, _ in pairs], header).encode("utf-8"))
        except OSError as exc:
            raise CatalogueError([Problem(str(target), 0, f"cannot write: {exc.strerror}")]) from exc
        activities = load_dir(data_dir)                # the same check `build-index` makes
        if store is not None:
            if embedder is None:
                from mukaan.catalogue.embedding import get_embedder
                embedder = get_embedder(settings or Settings())
            result.update(store.replace_all(shown(activities), embedder))
        done = True
    finally:
        if not done:                                   # put the data folder back as it was
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                _write(target, previous)
    return result


def _failed(errors: list[Problem], report: list[Problem]) -> CatalogueError:
    error = CatalogueError(errors)
    error.report = report
    return error
