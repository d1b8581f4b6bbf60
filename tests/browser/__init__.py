"""Browser tests (Playwright, Debian chromium, axe-core): see conftest.py."""
