"""Access for associations (issue 17, part 1), through the web app's API on SQLite and on
PostgreSQL: an association asks for an edit link on /access (fields checked one by one,
message scrubbed, rate limited, cross-site requests refused), staff approve (a working link,
e-mailed in the association's language by a real SMTP server on loopback, aiosmtpd) or
decline with a reason; a mail server that is down, lacks STARTTLS or refuses the password is a
message to staff and the link still works; neither the token nor the address reaches a log.

The organisations and addresses are fictional (example.org)."""
from __future__ import annotations

import email
import email.policy
import logging
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.conftest import settings_with

STAFF = "staff-token-for-access-request-tests"
ORG = "tikkurilan-omaishoitajat-ry-demo"          # six activities in Vantaa (demo data)
ORG_NAME = "Tikkurilan Omaishoitajat ry (demo)"
AUTH = {"Authorization": f"Bearer {STAFF}"}
CONTACT = "sihteeri@example.org"                  # fictional
BUSINESS_ID = "1572860-0"                         # valid check digit, fictional
SMTP_USER, SMTP_PASSWORD = "mukaan", "secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message it receives, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)      # a failure: the server answers 535


@pytest.fixture
def smtp():
    """A real SMTP server on loopback (no TLS; AUTH LOGIN/PLAIN allowed without it, for the
    tests only)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=_authenticator,
                            auth_require_tls=False)
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    return {"MUKAAN_SMTP_HOST": "127.0.0.1", "MUKAAN_SMTP_PORT": str(port),
            "MUKAAN_SMTP_FROM": "Mukaan <mukaan@example.org>", "MUKAAN_SMTP_STARTTLS": "false",
            "MUKAAN_SMTP_TIMEOUT": "5", **extra}


# The web app on a copy of the catalogue (app_on_copy, tests/unit/web/conftest.py) with these
# settings and each test's own; the checks that do not depend on the store run on SQLite only.
BASE = {"MUKAAN_STAFF_TOKEN": STAFF, "MUKAAN_RATE_LIMIT_PER_MINUTE": "0"}
sqlite_only = pytest.mark.parametrize("catalogue_copy", ["sqlite"], indirect=True)


def ask(client, **fields):
    body = {"org": ORG, "email": CONTACT, "lang": "fi"} | fields
    return client.post("/api/access-requests", json=body)


def pending(client) -> list[dict]:
    response = client.get("/api/staff/access-requests", headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()["requests"]


def bearer(link: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {link.split('#', 1)[1]}"}


def app_log(caplog) -> str:
    """Everything the app and its libraries logged (not the test's own SMTP server, which logs
    the messages it receives)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))


def link_in(message) -> str:
    [link] = re.findall(r"http://testserver/association#[\w-]+", message.get_content())
    return link


def test_an_association_asks_and_staff_approve_the_link_by_email(app_on_copy, smtp, caplog):
    caplog.set_level(logging.DEBUG)
    with app_on_copy(BASE | smtp_env(smtp.port)) as app:
        page = app.get("/access")
        assert page.status_code == 200 and 'id="access-form"' in page.text
        orgs = app.get("/api/access/organisations").json()["organisations"]
        assert {"org": ORG, "name": ORG_NAME} in orgs
        note = "Olen yhdistyksen sihteeri, puhelin 040 765 4321, henkilötunnus 131052-308T."
        assert ask(app, business_id=" 1572860-0 ", lang="sv", message=note).json() == {"received": True}
        [request] = pending(app)
        assert request["org"] == ORG and request["org_name"] == ORG_NAME and request["known"] is True
        assert request["email"] == CONTACT and request["business_id"] == BUSINESS_ID and request["lang"] == "sv"
        assert request["live_link"] is False
        assert "040 765 4321" not in request["message"] and "131052-308T" not in request["message"]
        assert request["message"].startswith("Olen yhdistyksen sihteeri, puhelin [phone]")
        # The same association asking again while it waits: one request, updated.
        assert ask(app, business_id=BUSINESS_ID, lang="sv", message="Toinen viesti").status_code == 200
        [request] = pending(app)
        assert request["message"] == "Toinen viesti"

        approved = app.post(f"/api/staff/access-requests/{request['id']}/approve", headers=AUTH).json()
        assert approved["status"] == "approved" and approved["mail"] == {"sent": True, "to": CONTACT, "lang": "sv"}
        [message] = smtp.messages
        assert smtp.recipients == [[CONTACT]]
        assert message["To"] == CONTACT and message["Content-Language"] == "sv"
        assert message["From"] == "Mukaan <mukaan@example.org>" and message["Message-ID"].endswith("@example.org>")
        assert message["Subject"] == f"Mukaan: redigeringslänk – {ORG_NAME}"
        assert "Öppna den här länken" in message.get_content() and message.get_content_type() == "text/plain"
        assert link_in(message) == approved["link"]
        mine = app.get("/api/association/activities", headers=bearer(link_in(message)))
        assert mine.status_code == 200 and len(mine.json()["activities"]) == 6
        assert mine.json()["org_name"] == ORG_NAME

        assert pending(app) == []
        assert app.post(f"/api/staff/access-requests/{request['id']}/approve", headers=AUTH).status_code == 404
        entries = app.get("/api/staff/audit", headers=AUTH).json()["entries"]
        assert [(e["who"], e["action"]) for e in entries[:5]] == [
            ("staff", "link e-mailed"), ("staff", "link issued"), ("staff", "access approved"),
            ("access form", "access requested"), ("access form", "access requested")]
        token = approved["link"].split("#", 1)[1]
        for text in (str(entries), app_log(caplog)):
            assert token not in text and CONTACT not in text
        assert app.get("/api/staff/contacts", headers=AUTH).json() == {"mail_enabled": True,
                                                                         "contacts": {ORG: CONTACT}}


def test_a_new_organisation_is_declined_with_a_reason_then_approved_without_email(app_on_copy):
    with app_on_copy(BASE) as app:                                    # no SMTP server set
        name = "Kuvitteellinen Lukupiiri ry"                          # fictional, not in the catalogue
        assert ask(app, org="", org_name=f"  {name} ", lang="en").status_code == 200
        [request] = pending(app)
        assert request["known"] is False and request["org"] == "kuvitteellinen-lukupiiri-ry"
        assert request["org_name"] == name and request["business_id"] is None
        decline = f"/api/staff/access-requests/{request['id']}/decline"
        assert app.post(decline, headers=AUTH, json={"reason": "  "}).status_code == 422
        assert app.post(decline, headers=AUTH, json={"reason": "Ei toimintaa alueella."}).json()["status"] == "declined"
        assert pending(app) == []
        assert app.post(f"/api/staff/access-requests/{request['id']}/approve", headers=AUTH).status_code == 404
        assert app.get("/api/staff/audit", headers=AUTH).json()["entries"][0]["action"] == "access declined"
        declined = "SELECT count(*) AS n FROM editorial_access_requests WHERE status = 'declined'"
        db = app.app.state.services.editorial.db
        assert db.one(declined)["n"] == 1
        # Declined requests (an address, a message) are deleted after the audit retention time.
        db.run("UPDATE editorial_access_requests SET decided = '2000-01-01T00:00:00+00:00'")
        assert pending(app) == [] and db.one(declined)["n"] == 0

        assert ask(app, org="", org_name=name, lang="en").status_code == 200
        [again] = pending(app)
        assert again["id"] != request["id"]
        approved = app.post(f"/api/staff/access-requests/{again['id']}/approve", headers=AUTH).json()
        assert approved["mail"] is None and approved["link"].startswith("http://testserver/association#")
        mine = app.get("/api/association/activities", headers=bearer(approved["link"])).json()
        assert mine == {"org_name": name, "activities": []}
        # Without SMTP staff can only copy the link.
        assert app.get("/api/staff/contacts", headers=AUTH).json()["mail_enabled"] is False
        assert app.post("/api/staff/links/mail", headers=AUTH, json={"org": again["org"]}).status_code == 409
        # A typed name the catalogue knows is that organisation.
        assert ask(app, org="", org_name="tikkurilan omaishoitajat ry (DEMO)").status_code == 200
        [known] = pending(app)
        assert known["known"] is True and known["org"] == ORG and known["org_name"] == ORG_NAME


@sqlite_only
def test_fields_are_checked_one_by_one_and_nothing_is_stored(app_on_copy):
    with app_on_copy(BASE | {"MUKAAN_ACCESS_REQUEST_RATE_PER_HOUR": "0"}) as app:
        cases = [
            ({"org": ""}, {"org": "required"}),
            ({"org": "", "org_name": "!"}, {"org": "required"}),
            ({"org": "", "org_name": "x" * 121}, {"org": "too_long"}),
            ({"org": "no-such-organisation"}, {"org": "unknown"}),
            ({"business_id": "1234567-8"}, {"business_id": "check_digit"}),
            ({"business_id": "1111111-1"}, {"business_id": "check_digit"}),    # remainder 1: never valid
            ({"business_id": "123456-7"}, {"business_id": "format"}),
            ({"business_id": "FI15728600"}, {"business_id": "format"}),
            ({"email": ""}, {"email": "required"}),
            ({"email": "nobody"}, {"email": "email"}),
            ({"email": "a@b"}, {"email": "email"}),
            ({"email": "a..b@example.org"}, {"email": "email"}),
            ({"email": f"{CONTACT}\r\nBcc: victim@example.org"}, {"email": "email"}),
            ({"message": "x" * 501}, {"message": "too_long"}),
            ({"org": "", "business_id": "12", "email": "x"},
             {"org": "required", "business_id": "format", "email": "email"}),
        ]
        for fields, errors in cases:
            response = ask(app, **fields)
            assert response.status_code == 422, fields
            assert response.json()["errors"] == errors, fields
            assert "victim" not in response.text and "xxxxx" not in response.text
        # Not the form's shape at all: FastAPI's 422, values not echoed.
        for body in ({"org": ORG}, {"org": ORG, "email": CONTACT, "lang": "de"}, {"org": ORG, "email": "x" * 400}):
            response = app.post("/api/access-requests", json=body)
            assert response.status_code == 422 and "xxxx" not in response.text
        assert pending(app) == []
        assert ask(app, message="x" * 500, business_id="").status_code == 200      # at the limit
        # Control characters and direction marks do not reach the store; a lone surrogate is a 422.
        raw = (b'{"org": "", "org_name": "Kuvitteellinen\\u0000 \\u202eyhdistys ry", "email": "a@example.org", '
               b'"message": "hei \\u001b[31m punainen\\u200b"}')
        json_type = {"Content-Type": "application/json"}
        assert app.post("/api/access-requests", content=raw, headers=json_type).status_code == 200
        latest = pending(app)[0]
        assert latest["org_name"] == "Kuvitteellinen yhdistys ry" and latest["message"] == "hei [31m punainen"
        lone = raw.replace(b"punainen", b"\\ud800")
        assert app.post("/api/access-requests", content=lone, headers=json_type).status_code == 422


@sqlite_only
def test_requests_are_rate_limited_and_cross_site_ones_refused(app_on_copy):
    with app_on_copy(BASE | {"MUKAAN_ACCESS_REQUEST_RATE_PER_HOUR": "3"}) as app:
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
            assert app.post("/api/access-requests", headers=headers,
                            json={"org": ORG, "email": CONTACT}).status_code == 403, headers
        # The three refused requests used this client's hour: the fourth is over the limit.
        assert ask(app).status_code == 429
        assert pending(app) == []
    with app_on_copy(BASE | {"MUKAAN_ACCESS_REQUEST_RATE_PER_HOUR": "3"}) as app:
        assert [ask(app, email=f"s{i}@example.org").status_code for i in range(4)] == [200, 200, 200, 429]
        assert ask(app, email="bad").status_code == 429                 # refused before it is read
        assert len(pending(app)) == 3
        request_id = pending(app)[0]["id"]
        evil = {"Origin": "https://evil.example"}
        assert app.post(f"/api/staff/access-requests/{request_id}/approve", headers=AUTH | evil).status_code == 403
        assert app.post(f"/api/staff/access-requests/{request_id}/decline", headers=AUTH | evil,
                        json={"reason": "x"}).status_code == 403
        assert app.post("/api/staff/links/mail", headers=AUTH | evil, json={"org": ORG}).status_code == 403
        # Staff routes need the staff token.
        assert app.get("/api/staff/access-requests").status_code == 401
        assert app.post(f"/api/staff/access-requests/{request_id}/approve").status_code == 401
        assert len(pending(app)) == 3


def test_a_mail_failure_is_a_message_to_staff_and_the_link_still_works(app_on_copy, smtp, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    with app_on_copy(BASE | smtp_env(free_port())) as app:            # nothing listens there
        assert ask(app, lang="en").status_code == 200
        [request] = pending(app)
        response = app.post(f"/api/staff/access-requests/{request['id']}/approve", headers=AUTH)
        assert response.status_code == 200
        approved = response.json()
        assert approved["mail"]["sent"] is False and approved["mail"]["to"] == CONTACT
        assert approved["mail"]["code"] == "unreachable"
        assert approved["mail"]["problem"].startswith("the mail server cannot be reached")
        assert app.get("/api/association/activities", headers=bearer(approved["link"])).status_code == 200
        assert app.get("/api/staff/audit", headers=AUTH).json()["entries"][0]["action"] == "link e-mail failed"

        def mail_again(**settings: str) -> dict:
            fresh = settings_with(smtp_env(smtp.port, **settings))   # the mail settings change, the app runs on
            for field in type(fresh).model_fields:
                if field.startswith("smtp_"):
                    monkeypatch.setattr(app.app.state.settings, field, getattr(fresh, field))
            response = app.post("/api/staff/links/mail", headers=AUTH, json={"org": ORG})
            assert response.status_code == 200, response.text
            return response.json()

        def works(made: dict) -> bool:
            return app.get("/api/association/activities", headers=bearer(made["link"])).status_code == 200

        tls = mail_again(MUKAAN_SMTP_STARTTLS="true")                 # the test server offers no STARTTLS
        assert tls["mail"]["code"] == "starttls"
        assert tls["mail"]["problem"] == "the mail server does not offer STARTTLS (MUKAAN_SMTP_STARTTLS)"
        assert works(tls) and not works(approved)                     # one link per organisation: the new one
        wrong = mail_again(MUKAAN_SMTP_USER=SMTP_USER, MUKAAN_SMTP_PASSWORD="wrong")
        assert wrong["mail"]["code"] == "login"
        assert wrong["mail"]["problem"].startswith("the mail server refused the user name or password")
        assert works(wrong) and not works(tls)
        assert smtp.messages == []
        # The right password: sent in the language of the association's request.
        sent = mail_again(MUKAAN_SMTP_USER=SMTP_USER, MUKAAN_SMTP_PASSWORD=SMTP_PASSWORD)
        assert sent["mail"] == {"sent": True, "to": CONTACT, "lang": "en"}
        [message] = smtp.messages
        assert message["Subject"] == f"Mukaan: edit link – {ORG_NAME}" and message["Content-Language"] == "en"
        assert link_in(message) == sent["link"]
        assert f"The link works until {_english_date(sent['expires'])}.\r\n" in message.get_content()
        assert works(sent) and not works(wrong)
        tokens = [r["link"].split("#", 1)[1] for r in (approved, tls, wrong, sent)]
        assert not any(t in app_log(caplog) for t in tokens) and CONTACT not in app_log(caplog)
        assert "the mail server cannot be reached" in app_log(caplog)     # staff's reason is in the log


def test_a_declined_association_gets_the_reason_by_email_in_its_language(app_on_copy, smtp, caplog):
    caplog.set_level(logging.DEBUG)
    reason = "Toimintanne on Tampereella, ja Mukaan kattaa nyt vain pääkaupunkiseudun.\nSoittakaa 040 123 4567."
    with app_on_copy(BASE | smtp_env(smtp.port, MUKAAN_PUBLIC_URL=PUBLIC)) as app:
        assert ask(app, lang="sv").status_code == 200
        [request] = pending(app)
        declined = app.post(f"/api/staff/access-requests/{request['id']}/decline", headers=AUTH | FORGED,
                            json={"reason": f"  {reason}\u0007 "})
        assert declined.status_code == 200, declined.text
        assert declined.json() == {"id": request["id"], "status": "declined",
                                   "mail": {"sent": True, "to": CONTACT, "lang": "sv"}}
        [message] = smtp.messages
        assert smtp.recipients == [[CONTACT]] and message["To"] == CONTACT
        assert message["Subject"] == f"Mukaan: din begäran om en redigeringslänk – {ORG_NAME}"
        assert message["Content-Language"] == "sv" and message["Auto-Submitted"] == "auto-generated"
        body = message.get_content().replace("\r\n", "\n")
        assert f"Vi kan inte ge {ORG_NAME} någon länk just nu." in body
        assert f"Orsak:\n{reason}\n\n" in body                          # as staff wrote it, bell dropped
        assert f"be om en länk på nytt här:\n\n{PUBLIC}/access\n" in body and "evil.example" not in body
        entries = app.get("/api/staff/audit", headers=AUTH).json()["entries"]
        assert [e["action"] for e in entries[:2]] == ["decline e-mailed", "access declined"]
        for text in (str(entries), app_log(caplog)):
            assert CONTACT not in text and "Tampereella" not in text
        # Another one declined while the mail server is down: staff are told, nothing fails.
        app.app.state.settings.smtp_port = free_port()                  # nothing listens there
        assert ask(app, org="", org_name="Kuvitteellinen Lukupiiri ry", lang="en").status_code == 200
        [other] = pending(app)
        failed = app.post(f"/api/staff/access-requests/{other['id']}/decline", headers=AUTH,
                          json={"reason": reason})
        assert failed.status_code == 200
        assert failed.json()["status"] == "declined" and failed.json()["mail"]["sent"] is False
        assert failed.json()["mail"]["code"] == "unreachable" and len(smtp.messages) == 1
        assert pending(app) == []
        assert app.get("/api/staff/audit", headers=AUTH).json()["entries"][0]["action"] == "decline e-mail failed"
        assert "the decline e-mail to kuvitteellinen-lukupiiri-ry was not sent" in app_log(caplog)
        assert CONTACT not in app_log(caplog) and "Tampereella" not in app_log(caplog)
    for lang, words in (("fi", "Emme voi nyt antaa linkkiä yhdistykselle"), ("en", "We cannot give")):
        from mukaan import mail
        message = mail.decline_message(settings_with(smtp_env(smtp.port)), to=CONTACT, lang=lang,
                                       org_name="Kuvitteellinen\nLukupiiri ry", reason="Syy.", access_url="x/access")
        assert words in message.get_content() and message["Subject"].endswith("– Kuvitteellinen Lukupiiri ry")


PUBLIC = "https://mukaan.example.org/palvelu"       # fictional; a path after the host is allowed
FORGED = {"Host": "evil.example", "Origin": "http://evil.example"}


@sqlite_only
def test_links_start_with_the_public_url_whatever_host_the_request_names(app_on_copy, smtp):
    """Behind a proxy the Host header is what the client sent: with MUKAAN_PUBLIC_URL set, a
    forged one reaches neither an e-mailed link nor one staff copy."""
    with app_on_copy(BASE | smtp_env(smtp.port)) as app:              # unset: the request's own address
        assert ask(app).status_code == 200
        [request] = pending(app)
        local = app.post(f"/api/staff/access-requests/{request['id']}/approve", headers=AUTH | FORGED).json()
        assert local["link"].startswith("http://evil.example/association#")
    with app_on_copy(BASE | smtp_env(smtp.port, MUKAAN_PUBLIC_URL=f" {PUBLIC}/ ")) as app:
        assert ask(app, lang="en").status_code == 200
        [request] = pending(app)
        approved = app.post(f"/api/staff/access-requests/{request['id']}/approve", headers=AUTH | FORGED).json()
        assert approved["mail"]["sent"] is True and approved["link"].startswith(f"{PUBLIC}/association#")
        mailed = app.post("/api/staff/links/mail", headers=AUTH | FORGED, json={"org": ORG}).json()
        copied = app.post("/api/staff/links", headers=AUTH | FORGED, json={"org": ORG}).json()
        assert copied["link"].startswith(f"{PUBLIC}/association#")
        bodies = [m.get_content() for m in smtp.messages[1:]]
        assert len(bodies) == 2 and "evil.example" not in "".join(bodies)
        for body, made in zip(bodies, (approved, mailed)):
            [link] = re.findall(r"https?://\S+/association#[\w-]+", body)
            assert link == made["link"] and link.startswith(f"{PUBLIC}/association#")
    for bad in ("mukaan.example.org", "ftp://mukaan.example.org", "https://", "https://a.example/?x=1",
                "https://a.example/#top", "https://user@a.example", "https://a.example/x y"):
        with pytest.raises(ValueError):
            settings_with({"MUKAAN_PUBLIC_URL": bad})


def _english_date(iso: str) -> str:
    import datetime as dt
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"
