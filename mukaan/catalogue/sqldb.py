"""One small SQL layer for the editorial tables (mukaan/catalogue/editorial.py) over SQLite or
PostgreSQL, as the catalogue itself: the SQLite file by default, PostgreSQL when the setting
``database_url`` is set.

Statements are written once with ``:name`` parameters and plain types (text, integer); an
``{id}`` in a CREATE TABLE becomes each engine's auto-numbered key. Every call is one
transaction."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mukaan.sqlite import connect

_PARAM = re.compile(r"(?<![:\w]):(\w+)")
_IDS = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT", "postgres": "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}


class SqlDb:
    """``rows``/``one``/``run`` over SQLite (a file path) or PostgreSQL (a URL)."""

    def __init__(self, target: str | Path):
        self.postgres = isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))
        self.target = target
        self.pool = None
        if self.postgres:
            from psycopg_pool import ConnectionPool
            self.pool = ConnectionPool(target, min_size=1, max_size=4, open=True, name="editorial",
                                       check=ConnectionPool.check_connection)
        else:
            Path(target).parent.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    @contextmanager
    def _cursor(self) -> Iterator:
        if self.postgres:
            with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield cur
        else:
            with connect(self.target, wal=True) as db:
                yield db.cursor()

    def _sql(self, sql: str) -> str:
        return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%")) if self.postgres else sql

    def script(self, ddl: str) -> None:
        """CREATE statements separated by ``;`` (``{id}``: the auto-numbered key)."""
        engine = "postgres" if self.postgres else "sqlite"
        with self._cursor() as cur:
            for statement in ddl.format(id=_IDS[engine]).split(";"):
                if statement.strip():
                    cur.execute(statement)

    def rows(self, sql: str, **params) -> list[dict]:
        with self._cursor() as cur:
            cur.execute(self._sql(sql), params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    def one(self, sql: str, **params) -> dict | None:
        found = self.rows(sql, **params)
        return found[0] if found else None

    def run(self, sql: str, **params) -> int:
        """Runs a statement; the number of rows it touched."""
        with self._cursor() as cur:
            cur.execute(self._sql(sql), params)
            return cur.rowcount

