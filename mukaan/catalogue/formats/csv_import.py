"""Mukaan's own spreadsheet format: one activity per row (Excel "CSV UTF-8"). The columns are
described in ``catalogue/README.md``."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from mukaan.catalogue.formats.common import (
    Notes,
    Record,
    clean,
    finish,
    hhmm,
    parse_date,
    read_text,
    split_list,
    to_bool,
)
from mukaan.catalogue.loader import Problem
from mukaan.catalogue.schema import LANGS

_TEXT_COLUMNS = ("name", "description", "how_to_join", "schedule", "cost")
CSV_COLUMNS = (
    "id", "kind", "topics", "audience", "languages", "municipality", "online",
    *(f"{field}_{lang}" for field in _TEXT_COLUMNS for lang in LANGS),
    "weekdays", "start", "end", "dates", "cost_free",
    "organizer_name", "organizer_url", "organizer_email", "organizer_phone",
    "area", "address", "accessibility", "signup_required", "url", "updated", "source",
)
CSV_REQUIRED = ("id", "kind", "topics", "audience", "languages", "name_fi", "description_fi",
                "how_to_join_fi", "schedule_fi", "cost_free", "organizer_name", "updated")


def table_rows(text: str, file: str):
    """``(header, rows, problems)`` of a CSV text: the delimiter (``;``, ``,`` or tab) is
    sniffed from the header line; each row is ``(line where it starts, cells)``."""
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    rows, problems = [], []
    while True:
        line = reader.line_num + 1                    # where the next row starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, f"CSV: {exc}"))
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(file, line, f"the row has {len(cells)} cells but the header "
                                    f"{len(header)}: quote cells that contain {delimiter!r}"))
            continue
        rows.append((line, dict(zip(header, cells))))
    return header, rows, problems


def _csv_activity(row: dict[str, str], source: str) -> dict:
    def get(column: str) -> str:
        return (row.get(column) or "").strip()

    def text(field: str) -> dict:
        return clean({lang: get(f"{field}_{lang}") for lang in LANGS})

    return clean({
        "id": get("id"), "name": text("name"), "description": text("description"),
        "how_to_join": text("how_to_join"),
        "organizer": clean({"name": get("organizer_name"), "url": get("organizer_url"),
                            "email": get("organizer_email"), "phone": get("organizer_phone")}),
        "kind": get("kind").lower(), "topics": split_list(get("topics")),
        "audience": split_list(get("audience")), "languages": split_list(get("languages")),
        "municipality": get("municipality"), "online": to_bool(get("online")),
        "area": get("area"), "address": get("address"),
        "schedule": clean({"text": text("schedule"), "weekdays": split_list(get("weekdays")),
                           "start": hhmm(get("start")), "end": hhmm(get("end")),
                           "dates": [parse_date(d) for d in split_list(get("dates"))]}),
        "cost": clean({"free": to_bool(get("cost_free")), "text": text("cost")}),
        "accessibility": split_list(get("accessibility")),
        "signup_required": to_bool(get("signup_required")), "url": get("url"),
        "source": get("source") or source, "updated": parse_date(get("updated")),
    })


def csv_records(path: Path, options) -> tuple[list[Record], list[Problem]]:
    text, problems = read_text(path)
    if text is None:
        return [], problems
    file = str(path)
    header, rows, problems = table_rows(text, file)
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if unknown:
        problems.insert(0, Problem(file, 1, f"unknown column(s): {', '.join(unknown)}"))
    if missing:
        problems.insert(1 if unknown else 0, Problem(file, 1, f"missing column(s): {', '.join(missing)}"))
    if unknown or missing:
        return [], problems
    records = []
    for line, row in rows:
        raw = _csv_activity(row, f"csv:{path.name}")
        dates = [("updated", raw.get("updated"))]
        dates += [("dates", d) for d in raw.get("schedule", {}).get("dates", [])]
        bad = [f"{column}: {value!r} is not a date" for column, value in dates if isinstance(value, str)]
        if bad:                                        # clearer than the validator's message
            problems.append(Problem(file, line, f"{'; '.join(bad)} (write YYYY-MM-DD or D.M.YYYY)",
                                    record=raw.get("id", "")))
            continue
        notes = Notes(file, line, raw.get("id", ""))
        records.append((finish(raw, notes, default_kind="club"), None, line))
        problems += notes.found
    return records, problems
