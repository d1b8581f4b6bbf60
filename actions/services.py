"""The services an action uses (catalogue searcher, unmet-needs log, settings), handed in by
whoever runs the actions: the web app's /webhook sets its own for each call
(web/api/routes/webhook.py), tests set theirs with ``use``. Actions never build services
themselves and never read the environment."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from mukaan.services import Services

_current: ContextVar[Services] = ContextVar("mukaan_action_services")


def services() -> Services:
    """The services of the call being run (LookupError outside ``use``)."""
    return _current.get()


@contextmanager
def use(given: Services) -> Iterator[Services]:
    """Run the actions called inside this block with ``given``."""
    token = _current.set(given)
    try:
        yield given
    finally:
        _current.reset(token)
