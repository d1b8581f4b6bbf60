"""Unmet needs are counted without text or session ids."""
import sqlite3

from mukaan.needs import NeedsLog


def test_counts_accumulate_and_export_as_csv(tmp_path):
    log = NeedsLog(tmp_path / "needs.sqlite3")
    log.record(kind="peer_support", topics=["grief", "seniors"], municipality="Nivala", lang="fi")
    log.record(kind="peer_support", topics=["grief"], municipality="Nivala", lang="fi")
    rows = {(r["kind"], r["topic"], r["municipality"], r["lang"]): r["count"] for r in log.rows()}
    assert rows[("peer_support", "grief", "Nivala", "fi")] == 2
    assert rows[("peer_support", "seniors", "Nivala", "fi")] == 1
    assert log.csv().splitlines()[0] == "month,kind,topic,municipality,lang,count"
    columns = [c[1] for c in sqlite3.connect(tmp_path / "needs.sqlite3").execute("PRAGMA table_info(unmet_needs)")]
    assert columns == ["month", "kind", "topic", "municipality", "lang", "count"]
