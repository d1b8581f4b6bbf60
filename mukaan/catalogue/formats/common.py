"""What the importers share: reading files, small value parsers, and the real-data rules every
imported record goes through (:func:`finish`): texts filed under the language they are in,
kind, topics and audience inferred from the text when the source has none (and marked so),
accessibility and ages mapped to the schema's codes, warnings instead of rejections where the
resident can still be shown what exists.

Every reader collects its findings for a record in a :class:`Notes`, which turns them into
:class:`~mukaan.catalogue.loader.Problem` lines (error, warning or note) with the file, line,
JSON path and record id."""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from mukaan.catalogue.loader import Problem
from mukaan.catalogue.schema import AUDIENCES, LANGS
from mukaan.gazette import gazette
from mukaan.nlp import fold
from mukaan.texts.imports import AND, ASK_HOW_TO_JOIN, ASK_ORGANISER, AT, DAYS

Record = tuple[dict, None, int]          # raw activity fields, no YAML node, line in the file



@dataclass(frozen=True)
class Options:
    """What the person importing says about the file: ``municipality`` wins over the data's
    places; ``places`` maps a place id or name to a municipality (a places file); ``as_of`` is
    the day against which past events are judged (today when not given)."""
    municipality: str | None = None
    places: dict = field(default_factory=dict)
    as_of: dt.date | None = None

    @property
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()


# --- small helpers ---------------------------------------------------------------------------

def clean(d: dict) -> dict:
    """``d`` without empty values, so that defaults apply and missing fields are reported."""
    return {k: v for k, v in d.items() if v is not None and v != "" and v != [] and v != {}}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(str(text))).strip("-")


def hhmm(value: str | None) -> str | None:
    """``17.30``, ``9:00``, ``17:30:00`` or ``17:30+03:00`` → ``17:30``; anything else as is."""
    m = re.fullmatch(r"(\d{1,2})[.:](\d{2})(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?", (value or "").strip())
    return f"{int(m[1]):02d}:{m[2]}" if m else (value or None)


def parse_date(value: str) -> dt.date | str:
    """``2026-09-15``, ``15.9.2026`` or an ISO timestamp → a date; anything else as is, for the
    validator to report."""
    value = str(value).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else dt.date.fromisoformat(value[:10])
    except ValueError:
        return value


_BOOLS = {"yes": True, "true": True, "kyllä": True, "kylla": True, "ja": True, "1": True,
          "no": False, "false": False, "ei": False, "nej": False, "0": False}


def to_bool(value: str) -> bool | str | None:
    value = value.strip().lower()
    return _BOOLS.get(value, value or None)


def items(value) -> list:
    """``value`` when it is a list, else nothing: a field that should hold a list but holds
    something else is read as empty (and what needed it is reported)."""
    return value if isinstance(value, list) else []


def split_list(value: str) -> list[str]:
    return [p.strip().lower() for p in re.split(r"[|,]", value) if p.strip()]


def plain(text: str) -> str:
    """HTML reduced to plain text: tags out, entities decoded, paragraphs kept as line breaks."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file as text (UTF-8, with or without a byte-order mark)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), 0, f"cannot read the file: {exc.strerror}")]
    return decode(data, str(path))


def decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "the file is not UTF-8 text (in Excel, save as 'CSV UTF-8')")]


def read_json(path: Path) -> tuple[object, str, list[Problem]]:
    text, problems = read_text(path)
    if text is None:
        return None, "", problems
    try:
        return json.loads(text), text, []
    except json.JSONDecodeError as exc:
        return None, text, [Problem(str(path), exc.lineno, f"JSON syntax: {exc.msg}")]
    except RecursionError:
        return None, text, [Problem(str(path), 1, "JSON nested too deeply")]


def json_line(text: str, record_id) -> int:
    """The line of ``"id": "<record_id>"`` in the JSON text (1 if not found)."""
    m = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(record_id, ensure_ascii=False)), text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


# --- what is found about one record ----------------------------------------------------------

@dataclass
class Notes:
    """Findings about one record: ``error`` keeps it (and the file) out, ``warn`` and ``note``
    are reported with the import."""
    file: str
    line: int
    record: str = ""
    where: str = ""
    found: list[Problem] = field(default_factory=list)

    def _add(self, level: str, message: str, fix: str) -> None:
        self.found.append(Problem(self.file, self.line, message, level, self.record, self.where, fix))

    def error(self, message: str, fix: str = "") -> None:
        self._add("error", message, fix)

    def warn(self, message: str, fix: str = "") -> None:
        self._add("warning", message, fix)

    def note(self, message: str, fix: str = "") -> None:
        self._add("note", message, fix)

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.found)


# --- real-data rules -------------------------------------------------------------------------

def detect_lang(text: str) -> str | None:
    from mukaan.language import detect
    return detect(text[:600])


def file_by_language(texts: dict, fallback: str | None, notes: Notes, name: str) -> dict:
    """A publisher's texts ({lang: text}) as Mukaan keeps them: a text under a language it is
    clearly not written in moves to the one it is in; a copy of another language's text (the
    same words under fi, sv and en) is dropped. A plain string is filed under its detected
    language, else ``fallback``."""
    if isinstance(texts, str):
        texts = {"": texts}
    out: dict[str, str] = {}
    for key, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            continue
        text = text.strip()
        if text in out.values():
            notes.note(f"{name}.{key}: the same text as another language; kept once")
            continue
        detected = detect_lang(text)
        lang = detected if detected and detected not in out else (key if key in LANGS else fallback)
        if lang is None:
            lang = next(code for code in LANGS if code not in out)
            notes.note(f"{name}: language not recognised; kept as {lang}")
        elif key and lang != key:
            notes.note(f"{name}.{key}: written in {lang}; kept as {lang}")
        out.setdefault(lang, text)
    return {lang: out[lang] for lang in LANGS if lang in out}


_ACCESSIBILITY = {
    "wheelchair": r"wheelchair|pyörätuol|rullstol",
    "induction_loop": r"induction loop|hearing loop|induktiosilmuk|kuulosilmuk|induktionsslinga|hörslinga|t-coil",
    "step_free": r"step[- ]free|level access|portaaton|esteetön kulku|kynnyksetön|hissi|\blift\b|elevator|"
                 r"\bhiss\b|tillgänglig entré",
    "accessible_toilet": r"accessible (toilet|wc)|inva[- ]?wc|esteetön wc|invatoalett|tillgänglig toalett|"
                         r"handikapptoalett",
    "sign_language": r"sign language|viittomakiel|teckenspråk",
    "plain_language": r"plain language|easy[- ]read|selkokiel|lättläst",
    "guide_dog": r"guide dog|assistance dog|opaskoir|avustajakoir|ledarhund|assistanshund",
    "quiet_space": r"quiet (room|space)|hiljainen (tila|huone)|lugnt rum|tyst rum",
}


def accessibility_codes(text: str) -> list[str]:
    """The schema's accessibility codes a description names ("induction loops", "pyörätuoli")."""
    low = text.lower()
    return [code for code, pattern in _ACCESSIBILITY.items() if re.search(pattern, low)]


_AGE_BANDS = {"children": (0, 12), "youth": (13, 17), "adults": (18, 64), "seniors": (65, 130)}


def audience_from_ages(low: int | None, high: int | None) -> list[str]:
    """The audience bands an age limit covers: 12–100 → youth, adults, seniors (and children)."""
    if low is None and high is None:
        return []
    low, high = low or 0, high if high is not None else 130
    return [band for band, (a, b) in _AGE_BANDS.items() if a <= high and low <= b]


def municipality_in(*texts: str) -> str | None:
    """A municipality a place text names ("Blombergin aukio 12, Turku"), through the gazette."""
    from mukaan.gazette import find_municipalities
    for text in texts:
        for lang in ("fi", "sv"):
            found = find_municipalities(text or "", lang) if text else []
            if found:
                return found[0].fi
    return None


def _infer(raw: dict, default_kind: str, notes: Notes) -> None:
    """Kind, topics and audience from the name and description when the source gave none, with
    the search's own lexicon (``taxonomy.detect``); each inferred field is marked."""
    from mukaan.catalogue.taxonomy import detect
    inferred = raw.setdefault("inferred", [])
    texts = [(lang, " ".join(filter(None, (raw.get("name", {}).get(lang), raw.get("description", {}).get(lang)))))
             for lang in LANGS]
    topics, kinds, needs = [], [], {}
    for lang, text in texts:
        if text:
            t, k, n = detect(text, lang)
            topics += [x for x in t if x not in topics]
            kinds += [x for x in k if x not in kinds]
            needs = {**n, **needs}
    if not raw.get("kind"):
        raw["kind"] = kinds[0] if kinds else max(needs, key=needs.get) if needs else default_kind
        inferred.append("kind")
        notes.note(f"kind: inferred as {raw['kind']!r} from the text", "check it")
    if not raw.get("topics"):
        raw["topics"] = topics[:3]
        if topics:
            inferred.append("topics")
            notes.note(f"topics: inferred as {', '.join(topics[:3])} from the text", "check them")
        else:
            notes.warn("topics: none given and none recognised in the text",
                       "add topics, or the activity is found by its words only")
    if not raw.get("audience"):
        ages = audience_from_ages(raw.get("min_age"), raw.get("max_age"))
        raw["audience"] = [a for a in AUDIENCES if a in ages or a in topics] or ["adults"]
        inferred.append("audience")
        notes.note(f"audience: inferred as {', '.join(raw['audience'])}", "check it")


def join_words(words: list[str], lang: str) -> str:
    """``a, b ja c`` (``och``, ``and``)."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {AND[lang]} {words[-1]}"


def weekly_text(weekdays: list[str], start: str | None, end: str | None) -> dict:
    """``Tiistaisin ja torstaisin klo 17.00–18.30`` in fi, sv and en."""
    from mukaan.catalogue.schema import WEEKDAYS
    out = {}
    for lang, names in DAYS.items():
        days = [names[WEEKDAYS.index(d)] for d in weekdays if d in WEEKDAYS]
        joined = join_words(days, lang)
        span = f"{start}–{end}" if start and end else start
        text = joined + (AT[lang].format(span.replace(":", ".") if lang != "en" else span) if span else "")
        out[lang] = text[0].upper() + text[1:]
    return out


def finish(raw: dict, notes: Notes, *, default_kind: str) -> dict:
    """The real-data rules for one imported record (see the module text)."""
    _infer(raw, default_kind, notes)
    words = " ".join((raw.get("accessibility_text") or {}).values())
    codes = [c for c in accessibility_codes(words) if c not in raw.get("accessibility", [])]
    if codes:
        raw["accessibility"] = raw.get("accessibility", []) + codes
        notes.note(f"accessibility: {', '.join(codes)} from the accessibility text (the text is kept too)")
    schedule = raw.setdefault("schedule", {})
    if not schedule.get("text") and schedule.get("weekdays"):
        schedule["text"] = weekly_text(schedule["weekdays"], schedule.get("start"), schedule.get("end"))
        notes.note("schedule: the text was written from the weekdays and times")
    elif not schedule.get("text"):
        schedule["text"] = dict(ASK_ORGANISER)
        notes.warn("schedule: none given; residents are told to ask the organiser",
                   "add the times when they are known")
    if not raw.get("how_to_join"):
        raw["how_to_join"] = dict(ASK_HOW_TO_JOIN)
        notes.warn("how_to_join: none given; residents are told to ask the organiser",
                   "add how to take part")
    if not raw.get("organizer"):
        raw.setdefault("review", []).append("organizer: unknown")
        notes.warn("organizer: unknown; the activity is kept but not shown until staff fill it in",
                   "add organizer.name in the imported file")
    for name in ("name", "description", "how_to_join"):
        text = raw.get(name) or {}
        if text and "fi" not in text:
            langs = "/".join(text)
            notes.warn(f"{name}: no Finnish text; shown in {langs} with the language noted",
                       "add a Finnish text if there is one")
    place = gazette().resolve(raw.get("municipality")) if isinstance(raw.get("municipality"), str) else None
    if place and place.bilingual and not (raw.get("description") or {}).get("sv"):
        notes.warn(f"description: {place.fi} is bilingual but there is no Swedish text",
                   "add description.sv if the publisher has one")
    raw["inferred"] = list(dict.fromkeys(raw.get("inferred", [])))
    return clean(raw)
