"""The staff and association pages share one header (web/templates/header.html, put in by
web/pages.py): each page has it once, with "Sign out" only behind the staff token, and its
source file is not served raw."""
from __future__ import annotations

import re

import pytest

from tests.conftest import settings_with
from web.main import create_app
from web.pages import TEMPLATES, render

PAGES = {"/staff": True, "/staff/review": True, "/staff/needs": False, "/access": False, "/association": False}


@pytest.fixture(scope="module")
def pages():
    from fastapi.testclient import TestClient
    with TestClient(create_app(settings_with({}))) as client:
        yield client


@pytest.mark.parametrize("path", PAGES)
def test_each_page_has_the_one_shared_header(pages, path):
    response = pages.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    header = (TEMPLATES / "header.html").read_text(encoding="utf-8")
    assert "<!--#" not in html and html.count('<header class="top">') == 1 and html.count('class="skip-link"') == 1
    for line in header.splitlines():
        if "logout" not in line:
            assert line in html, line
    assert html.count('id="logout"') == (1 if PAGES[path] else 0)
    # The header comes first in the body: the skip link is the first thing to reach by keyboard.
    body = html.split("<body", 1)[1]
    assert body.index('class="skip-link"') < body.index("<header") < body.index("</header>") < body.index("<main")
    assert not re.search(r"\n\s*\n\s*</header>", html)                  # no gap where "Sign out" was left out


def test_the_sources_are_not_served_raw_and_a_page_needs_its_marker(pages, tmp_path, monkeypatch):
    for name in ("staff", "review", "needs", "access", "association", "header"):
        assert pages.get(f"/{name}.html").status_code == 404
    import web.pages
    (tmp_path / "header.html").write_text((TEMPLATES / "header.html").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "twice.html").write_text("<body>\n  <!--#header-->\n  <!--#header-->\n</body>\n", encoding="utf-8")
    (tmp_path / "none.html").write_text("<body>\n</body>\n", encoding="utf-8")
    monkeypatch.setattr(web.pages, "TEMPLATES", tmp_path)
    for name, count in (("twice", 2), ("none", 0)):
        with pytest.raises(ValueError, match=f"has {count}"):
            render.__wrapped__(name)
