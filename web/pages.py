"""The staff and association pages (/staff, /staff/needs, /staff/review, /access,
/association): their files in web/templates/ share one header, templates/header.html (the
skip link, the name, the language buttons), put in where a page has the line
``<!--#header-->``; ``<!--#header logout-->`` keeps its "Sign out" button too (the pages
behind the staff token). Each page is put together once, on its first request; the other
pages, scripts and styles are plain files in web/static/.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi.responses import HTMLResponse

TEMPLATES = Path(__file__).parent / "templates"
MARKER = re.compile(r"^[ \t]*<!--#header( logout)?-->\n", re.M)
LOGOUT = re.compile(r"<!--#logout-->(.*?)<!--/#logout-->", re.S)


@lru_cache(maxsize=None)
def render(name: str) -> str:
    """The page ``name`` (a file in web/templates/) with the shared header."""
    header = (TEMPLATES / "header.html").read_text(encoding="utf-8")
    source = (TEMPLATES / f"{name}.html").read_text(encoding="utf-8")

    def put(match: re.Match) -> str:
        with_logout = match.group(1) is not None
        text = LOGOUT.sub(lambda m: m.group(1) if with_logout else "", header)
        return re.sub(r"^[ \t]*\n", "", text, flags=re.M)               # the line of a left-out button

    page, count = MARKER.subn(put, source)
    if count != 1:
        raise ValueError(f"web/templates/{name}.html: needs exactly one <!--#header--> line, has {count}")
    return page


def page(name: str) -> HTMLResponse:
    return HTMLResponse(render(name))
