"""Personal identifiers are scrubbed from log lines."""
import logging

import pytest

from mukaan.privacy import ScrubFilter, scrub


@pytest.mark.parametrize("text,gone", [
    ("soita mulle 040 123 4567 illalla", "040 123 4567"),
    ("numero +358 40 1234567", "+358 40 1234567"),
    ("puh. 09-876 5432", "09-876 5432"),
    ("maili matti.meikalainen@example.com kiitos", "matti.meikalainen@example.com"),
    ("hetu 131052-308T on tässä", "131052-308T"),
    ("uusi hetu 010199A123B", "010199A123B"),
    ("tilille FI21 1234 5600 0007 85", "FI21 1234 5600 0007 85"),
    ("IBAN FI2112345600000785", "FI2112345600000785"),
])
def test_identifiers_are_scrubbed(text, gone):
    out = scrub(text)
    assert gone not in out and "[" in out


def test_ordinary_text_is_kept():
    for text in ("Asun Espoossa, olen 72-vuotias", "ryhmä klo 17.30–19 tiistaisin", "vuonna 2026",
                 "postinumero 02600"):
        assert scrub(text) == text


def test_filter_scrubs_formatted_records(caplog):
    log = logging.getLogger("mukaan.test.privacy")
    log.addFilter(ScrubFilter())
    with caplog.at_level(logging.INFO, logger="mukaan.test.privacy"):
        log.info("message from %s: %s", "matti@example.org", "soita 0401234567")
    assert "matti@example.org" not in caplog.text and "0401234567" not in caplog.text
    assert "[email]" in caplog.text and "[phone]" in caplog.text
