"""Personal identifiers never reach a log: a logging filter that scrubs phone numbers,
e-mail addresses, Finnish personal identity codes (henkilötunnus) and IBANs from every
record, whatever logger wrote it."""
from __future__ import annotations

import logging
import re

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    # henkilötunnus: DDMMYY, century sign (+ - A B C D E F X Y W V U), 3 digits, check character
    ("[hetu]", re.compile(r"\b\d{6}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]\b")),
    # IBAN, as people type it: any case, spaces or dashes, "FI 21 …"; mostly digits (see _iban)
    ("[iban]", re.compile(r"\b[A-Z]{2}\s?\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)),
    # phone numbers: +358 or 0 prefix, 7-12 digits with spaces or dashes
    ("[phone]", re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s-]?|0)\d{1,3}(?:[\s-]?\d){5,10}\b")),
]


def _iban(match: re.Match[str]) -> str:
    """An account number has at least ten digits; "by 31 December 2026" has not."""
    return "[iban]" if sum(ch.isdigit() for ch in match.group(0)) >= 10 else match.group(0)


def scrub(text: str) -> str:
    for placeholder, pattern in PATTERNS:
        text = pattern.sub(_iban if placeholder == "[iban]" else placeholder, text)
    return text


class ScrubFilter(logging.Filter):
    """Rewrites each record's message (with its arguments applied) without identifiers."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class ScrubFormatter(logging.Formatter):
    """Scrubs the finished line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
APP_LOGGERS = ("mukaan", "web", "actions")


def install(logger: logging.Logger | None = None) -> None:
    """Scrub every record that reaches the root logger's handlers (and uvicorn's).

    A filter on a logger does not see records that its children pass up, so the filters go
    on the handlers. When nothing has configured logging (uvicorn configures only its own
    loggers), the app's records would reach Python's last-resort handler, which has no
    filter and drops INFO: then the root logger gets a scrubbing stderr handler, and the
    app's own loggers log from INFO up."""
    if logger is None:
        root = logging.getLogger()
        if not root.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(ScrubFormatter(LOG_FORMAT))
            root.addHandler(handler)
            for name in APP_LOGGERS:
                if logging.getLogger(name).level == logging.NOTSET:
                    logging.getLogger(name).setLevel(logging.INFO)
    targets = [logger] if logger else [logging.getLogger(), logging.getLogger("uvicorn"),
                                       logging.getLogger("uvicorn.error"), logging.getLogger("uvicorn.access")]
    for target in targets:
        for handler in target.handlers or []:
            if not any(isinstance(f, ScrubFilter) for f in handler.filters):
                handler.addFilter(ScrubFilter())
        if not any(isinstance(f, ScrubFilter) for f in target.filters):
            target.addFilter(ScrubFilter())
