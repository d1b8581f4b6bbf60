"""What associations and staff change in the catalogue, kept beside it: edit links, pending
changes, the audit log and residents' error reports (over mukaan/catalogue/sqldb.py: the SQLite
file ``editorial_database``, or PostgreSQL when ``database_url`` is set).

- **Edit links**: one per organisation (``organization_key`` of its name). The token is
  random (``secrets``); only its SHA-256 is stored. A link expires (``edit_link_days``) and
  can be revoked; issuing a new one replaces the old.
- **Changes**: an association's proposed version of one activity (the whole activity as JSON,
  and the version it was based on), ``pending`` until staff ``approve`` or ``return`` it with
  a reason the association sees. A new proposal for the same activity replaces a pending one.
- **Audit log**: who (the organisation's key, or the staff token's name), what, when, which
  activity. No resident data: reports are counted by id, never copied into it. Entries older
  than ``audit_retention_months`` are deleted.
- **Reports**: a reason code and a short text, scrubbed of personal identifiers before they
  are stored; no session id, no address.
- **Access requests**: an association asks for an edit link (/access): organisation, business
  ID, contact e-mail, language and a short message (scrubbed), ``pending`` until staff
  approve (a link is issued) or decline with a reason. The audit log has the request's
  number, never the address or the message; declined requests are deleted after
  ``audit_retention_months``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from mukaan.catalogue.ranking import months_before
from mukaan.catalogue.sqldb import SqlDb
from mukaan.privacy import scrub
from mukaan.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS editorial_links (
    org TEXT PRIMARY KEY, org_name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL, expires TEXT NOT NULL, revoked TEXT);
CREATE TABLE IF NOT EXISTS editorial_changes (
    id {id}, org TEXT NOT NULL, activity_id TEXT NOT NULL, before_json TEXT, after_json TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT, created TEXT NOT NULL, decided TEXT, decided_by TEXT);
CREATE INDEX IF NOT EXISTS editorial_changes_status ON editorial_changes (status, activity_id);
CREATE TABLE IF NOT EXISTS editorial_audit (
    id {id}, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, activity_id TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS editorial_reports (
    id {id}, activity_id TEXT NOT NULL, reason TEXT NOT NULL, note TEXT, created TEXT NOT NULL,
    handled TEXT, handled_by TEXT);
CREATE TABLE IF NOT EXISTS editorial_access_requests (
    id {id}, org TEXT NOT NULL, org_name TEXT NOT NULL, known INTEGER NOT NULL, business_id TEXT,
    email TEXT NOT NULL, lang TEXT NOT NULL, message TEXT, status TEXT NOT NULL, reason TEXT,
    created TEXT NOT NULL, decided TEXT, decided_by TEXT)
"""
REPORT_REASONS = ("wrong_info", "ended", "contact", "other")
STAFF_PREFIX = "staff:"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


class Editorial:
    def __init__(self, db: SqlDb, link_days: int = 365, audit_retention_months: int = 24):
        self.db, self.link_days, self.audit_months = db, link_days, audit_retention_months
        db.script(SCHEMA)

    # -- audit log ---------------------------------------------------------------------------
    def log(self, who: str, action: str, activity_id: str | None = None, detail: str = "") -> None:
        self.db.run("INSERT INTO editorial_audit (at, who, action, activity_id, detail) "
                    "VALUES (:at, :who, :action, :activity_id, :detail)",
                    at=_iso(now()), who=who, action=action, activity_id=activity_id, detail=scrub(detail)[:500])

    def audit(self, limit: int = 200) -> list[dict]:
        return self.db.rows("SELECT at, who, action, activity_id, detail FROM editorial_audit "
                            "ORDER BY id DESC LIMIT :n", n=limit)

    def prune_audit(self, today: dt.date | None = None) -> int:
        """Deletes audit entries older than the retention time (0 months: kept)."""
        if self.audit_months <= 0:
            return 0
        cutoff = months_before(today or now().date(), self.audit_months).isoformat()
        return self.db.run("DELETE FROM editorial_audit WHERE at < :cutoff", cutoff=cutoff)

    # -- edit links --------------------------------------------------------------------------
    def issue_link(self, org: str, org_name: str, who: str, days: int | None = None) -> str:
        """A new edit link's token for ``org`` (the old one stops working)."""
        token = secrets.token_urlsafe(32)
        start = now()
        self.db.run("""INSERT INTO editorial_links (org, org_name, token_hash, created, expires, revoked)
                       VALUES (:org, :name, :hash, :created, :expires, NULL)
                       ON CONFLICT (org) DO UPDATE SET org_name = excluded.org_name,
                           token_hash = excluded.token_hash, created = excluded.created,
                           expires = excluded.expires, revoked = NULL""",
                    org=org, name=org_name, hash=token_hash(token), created=_iso(start),
                    expires=_iso(start + dt.timedelta(days=days or self.link_days)))
        self.log(who, "link issued", detail=org)
        return token

    def revoke_link(self, org: str, who: str) -> bool:
        done = self.db.run("UPDATE editorial_links SET revoked = :at WHERE org = :org AND revoked IS NULL",
                           at=_iso(now()), org=org) > 0
        if done:
            self.log(who, "link revoked", detail=org)
        return done

    def org_for(self, token: str, at: dt.datetime | None = None) -> dict | None:
        """The organisation whose live link ``token`` is: ``{"org", "org_name"}``; None for an
        unknown, expired or revoked token."""
        if not token or len(token) > 200:
            return None
        row = self.db.one("SELECT org, org_name, expires FROM editorial_links "
                          "WHERE token_hash = :hash AND revoked IS NULL", hash=token_hash(token))
        if row is None or dt.datetime.fromisoformat(row["expires"]) <= (at or now()):
            return None
        return {"org": row["org"], "org_name": row["org_name"]}

    def links(self) -> list[dict]:
        return self.db.rows("SELECT org, org_name, created, expires, revoked FROM editorial_links ORDER BY org_name")

    # -- changes -----------------------------------------------------------------------------
    def propose(self, org: str, activity_id: str, before: dict | None, after: dict) -> int:
        """Stores a proposed version; replaces this organisation's pending one of the activity."""
        params = dict(org=org, aid=activity_id, before=json.dumps(before) if before else None,
                      after=json.dumps(after), at=_iso(now()))
        pending = self.db.one("SELECT id FROM editorial_changes WHERE org = :org AND activity_id = :aid "
                              "AND status = 'pending'", org=org, aid=activity_id)
        if pending:
            self.db.run("UPDATE editorial_changes SET before_json = :before, after_json = :after, created = :at "
                        "WHERE id = :id", id=pending["id"], **params)
            change_id = pending["id"]
        else:
            change_id = self.db.one("""INSERT INTO editorial_changes (org, activity_id, before_json, after_json,
                                       status, created) VALUES (:org, :aid, :before, :after, 'pending', :at)
                                       RETURNING id""", **params)["id"]
        self.log(org, "change proposed", activity_id, f"change {change_id}")
        return int(change_id)

    def changes(self, *, org: str | None = None, status: str | None = None, limit: int = 200) -> list[dict]:
        wanted = {"org": org, "status": status}
        where = " AND ".join(f"{k} = :{k}" for k, v in wanted.items() if v is not None) or "1 = 1"
        rows = self.db.rows(f"SELECT * FROM editorial_changes WHERE {where} ORDER BY id DESC LIMIT :n",
                            n=limit, **{k: v for k, v in wanted.items() if v is not None})
        return [_change(r) for r in rows]

    def change(self, change_id: int) -> dict | None:
        row = self.db.one("SELECT * FROM editorial_changes WHERE id = :id", id=change_id)
        return _change(row) if row else None

    def decide(self, change_id: int, *, approved: bool, who: str, reason: str = "") -> bool:
        """Marks a pending change approved or returned; False if it was not pending."""
        status = "approved" if approved else "returned"
        done = self.db.run("""UPDATE editorial_changes SET status = :status, reason = :reason, decided = :at,
                              decided_by = :who WHERE id = :id AND status = 'pending'""",
                           status=status, reason=scrub(reason)[:500] or None, at=_iso(now()), who=who,
                           id=change_id) > 0
        if done:
            change = self.change(change_id)
            self.log(who, f"change {status}", change["activity_id"], f"change {change_id}")
        return done

    def published(self) -> dict[str, dict]:
        """The latest approved version of each activity (laid over the files by build-index)."""
        out: dict[str, dict] = {}
        for row in self.db.rows("SELECT activity_id, after_json FROM editorial_changes "
                                "WHERE status = 'approved' ORDER BY id"):
            out[row["activity_id"]] = json.loads(row["after_json"])
        return out

    # -- reports -----------------------------------------------------------------------------
    def report(self, activity_id: str, reason: str, note: str | None, max_chars: int) -> int:
        if reason not in REPORT_REASONS:
            raise ValueError(f"reason must be one of {', '.join(REPORT_REASONS)}")
        text = scrub(" ".join((note or "").split()))[:max_chars] or None
        row = self.db.one("INSERT INTO editorial_reports (activity_id, reason, note, created) "
                          "VALUES (:aid, :reason, :note, :at) RETURNING id",
                          aid=activity_id, reason=reason, note=text, at=_iso(now()))
        return int(row["id"])

    def reports(self, *, open_only: bool = True) -> list[dict]:
        where = "WHERE handled IS NULL" if open_only else ""
        return self.db.rows("SELECT id, activity_id, reason, note, created, handled, handled_by "
                            f"FROM editorial_reports {where} ORDER BY id DESC LIMIT 500")

    def handle_report(self, report_id: int, who: str) -> bool:
        row = self.db.one("SELECT activity_id FROM editorial_reports WHERE id = :id AND handled IS NULL", id=report_id)
        if row is None:
            return False
        self.db.run("UPDATE editorial_reports SET handled = :at, handled_by = :who WHERE id = :id",
                    at=_iso(now()), who=who, id=report_id)
        self.log(who, "report handled", row["activity_id"], f"report {report_id}")
        return True

    # -- access requests ---------------------------------------------------------------------
    def request_access(self, *, org: str, org_name: str, known: bool, business_id: str | None, email: str,
                       lang: str, message: str | None, max_chars: int) -> int:
        """Stores a request for an edit link; a pending one from the same address for the same
        organisation is updated instead of repeated."""
        params = dict(org=org, name=org_name, known=int(known), bid=business_id or None, email=email, lang=lang,
                      message=scrub(" ".join((message or "").split()))[:max_chars] or None, at=_iso(now()))
        pending = self.db.one("SELECT id FROM editorial_access_requests WHERE org = :org AND email = :email "
                              "AND status = 'pending'", org=org, email=email)
        if pending:
            self.db.run("UPDATE editorial_access_requests SET org_name = :name, known = :known, business_id = :bid, "
                        "lang = :lang, message = :message, created = :at WHERE id = :id", id=pending["id"], **params)
            request_id = int(pending["id"])
        else:
            request_id = int(self.db.one("""INSERT INTO editorial_access_requests (org, org_name, known, business_id,
                                            email, lang, message, status, created) VALUES (:org, :name, :known, :bid,
                                            :email, :lang, :message, 'pending', :at) RETURNING id""", **params)["id"])
        self.log("access form", "access requested", detail=f"request {request_id}: {org}")
        return request_id

    def access_requests(self, status: str = "pending") -> list[dict]:
        return self.db.rows("SELECT * FROM editorial_access_requests WHERE status = :status "
                            "ORDER BY id DESC LIMIT 500", status=status)

    def prune_access_requests(self, today: dt.date | None = None) -> int:
        """Deletes declined requests (address, message) decided longer ago than the audit
        retention time (0 months: kept). Approved ones stay: their address is where the
        organisation's next link can go."""
        if self.audit_months <= 0:
            return 0
        cutoff = months_before(today or now().date(), self.audit_months).isoformat()
        return self.db.run("DELETE FROM editorial_access_requests WHERE status = 'declined' AND decided < :cutoff",
                           cutoff=cutoff)

    def access_request(self, request_id: int) -> dict | None:
        return self.db.one("SELECT * FROM editorial_access_requests WHERE id = :id", id=request_id)

    def decide_access(self, request_id: int, *, approved: bool, who: str, reason: str = "") -> bool:
        """Marks a pending request approved or declined; False if it was not pending. (The
        caller issues the link.)"""
        status = "approved" if approved else "declined"
        done = self.db.run("""UPDATE editorial_access_requests SET status = :status, reason = :reason,
                              decided = :at, decided_by = :who WHERE id = :id AND status = 'pending'""",
                           status=status, reason=scrub(reason)[:500] or None, at=_iso(now()), who=who,
                           id=request_id) > 0
        if done:
            self.log(who, f"access {status}", detail=f"request {request_id}")
        return done


def _change(row: dict) -> dict:
    out = dict(row)
    out["before"] = json.loads(out.pop("before_json")) if row["before_json"] else None
    out["after"] = json.loads(out.pop("after_json"))
    return out


def open_editorial(settings: Settings) -> Editorial:
    """The editorial store the settings choose (PostgreSQL when ``database_url`` is set)."""
    db = SqlDb(settings.database_url or settings.editorial_database)
    return Editorial(db, settings.edit_link_days, settings.audit_retention_months)
