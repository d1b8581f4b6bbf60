"""Helpers for the browser tests: axe-core audits, screenshots, and talking to the chat."""
from __future__ import annotations

import json
import os
import signal

from playwright.sync_api import Page

from mukaan.settings import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def audit(target, label: str, *, iframes: bool = False) -> None:
    """Runs axe-core in a page or frame; fails on violations of impact serious or critical."""
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated rather than added as a <script>: the pages' CSP allows no inline scripts.
        target.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = target.evaluate("(options) => axe.run(document, options)",
                             {"iframes": iframes, "resultTypes": ["violations"]})
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
               "nodes": [n["target"] for n in v["nodes"][:5]]} for v in bad]
    assert not bad, f"axe found problems in {label}:\n{json.dumps(report, indent=1, ensure_ascii=False)}"


def screenshots(page: Page, name: str, *, full_page: bool = False) -> None:
    """Saves the page at phone and desktop sizes, then restores the viewport."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=full_page)
    if original:
        page.set_viewport_size(original)


def bot_count(page_or_frame) -> int:
    return page_or_frame.locator(".msg.bot").count()


def wait_for_reply(page_or_frame, before: int) -> None:
    """Waits until a new bot message has arrived and the log is no longer busy."""
    page_or_frame.wait_for_function(
        """(before) => document.querySelectorAll('.msg.bot').length > before
                       && document.querySelector('#log').getAttribute('aria-busy') === 'false'""",
        arg=before, timeout=60_000)


def say(page_or_frame, text: str, field: str = "#input") -> None:
    """Types a message like a resident (Enter sends) and waits for the bot's answer."""
    before = bot_count(page_or_frame)
    page_or_frame.fill(field, text)
    page_or_frame.press(field, "Enter")
    wait_for_reply(page_or_frame, before)


def wait_for_image(page: Page, locator) -> None:
    """Waits until an image has loaded (and fails if it never does)."""
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=locator.element_handle())


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def restart_web(stack, **env) -> None:
    """Restarts the stack's web app with other settings (Rasa keeps running)."""
    proc = stack.procs["web"]
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    stack.env = {k: v for k, v in stack.env.items() if k not in env} | {k: v for k, v in env.items() if v}
    stack.start_web()
    stack.wait(180)
