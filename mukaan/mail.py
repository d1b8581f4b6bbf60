"""E-mail to associations over the SMTP server in the settings (``smtp_host``, ``smtp_port``,
``smtp_from``, optional ``smtp_user``/``smtp_password``, ``smtp_starttls``): their edit link,
or the reason their request for one was declined.

Each message is short plain text in the association's language (fi, sv or en). Sending
raises :class:`MailError` with a reason staff can act on; the caller keeps the link valid to
copy (or tells staff to give the reason themselves). Nothing here logs: the token, the
address and the reason are never written anywhere but the message itself.
"""
from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from mukaan.settings import Settings
from mukaan.texts.mail import DECLINE_MAIL, LINK_MAIL, MONTHS_EN


class MailError(Exception):
    """Sending failed: ``code`` for the staff page's own words, ``str()`` the reason in English
    for the log (neither has the address or the token)."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code


def mail_enabled(settings: Settings) -> bool:
    return bool((settings.smtp_host or "").strip() and (settings.smtp_from or "").strip())


def _date(day: dt.date, lang: str) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}" if lang == "en" else f"{day.day}.{day.month}.{day.year}"


def _message(settings: Settings, *, to: str, lang: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=parseaddr(settings.smtp_from)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    message["Content-Language"] = lang if lang in LINK_MAIL else "fi"     # after set_content: it clears Content-*
    return message


def _one_line(name: str) -> str:
    """A name is one line in the subject; the body needs no more either."""
    return " ".join(name.split())


def link_message(settings: Settings, *, to: str, lang: str, org_name: str, link: str,
                 expires: dt.date) -> EmailMessage:
    """The e-mail that carries an edit link, in ``lang`` (fi when unknown)."""
    texts, org = LINK_MAIL.get(lang, LINK_MAIL["fi"]), _one_line(org_name)
    return _message(settings, to=to, lang=lang, subject=texts["subject"].format(org=org),
                    body=texts["body"].format(org=org, link=link, date=_date(expires, lang)))


def decline_message(settings: Settings, *, to: str, lang: str, org_name: str, reason: str,
                    access_url: str) -> EmailMessage:
    """The e-mail that tells an association its request for an edit link was declined: staff's
    ``reason`` (its lines kept, control characters dropped) and where to ask again."""
    texts, org = DECLINE_MAIL.get(lang, DECLINE_MAIL["fi"]), _one_line(org_name)
    lines = ("".join(ch for ch in line if ch.isprintable()).rstrip() for line in reason.strip().splitlines())
    return _message(settings, to=to, lang=lang, subject=texts["subject"].format(org=org),
                    body=texts["body"].format(org=org, reason="\n".join(lines), access=access_url))


def send(settings: Settings, message: EmailMessage) -> None:
    """Sends ``message`` over the configured server; MailError with a reason otherwise."""
    if not mail_enabled(settings):
        raise MailError("not_set_up", "e-mail is not set up (MUKAAN_SMTP_HOST and MUKAAN_SMTP_FROM)")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                smtp.login(settings.smtp_user, password)
            smtp.send_message(message)
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError("starttls", "the mail server does not offer STARTTLS (MUKAAN_SMTP_STARTTLS)") from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError("login", f"the mail server refused the user name or password (code {exc.smtp_code})") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError("recipient", "the mail server refused the recipient's address") from exc
    except smtplib.SMTPResponseException as exc:
        raise MailError("refused", f"the mail server refused the message (code {exc.smtp_code})") from exc
    except smtplib.SMTPException as exc:
        raise MailError("closed", f"the mail server ended the connection ({type(exc).__name__})") from exc
    except ssl.SSLError as exc:
        raise MailError("tls", "the secure connection to the mail server failed (TLS)") from exc
    except TimeoutError as exc:
        raise MailError("timeout", "the mail server did not answer in time") from exc
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise MailError("unreachable", f"the mail server cannot be reached ({reason})") from exc
