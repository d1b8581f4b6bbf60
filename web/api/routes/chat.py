"""POST /api/chat: one turn of the conversation.

The path of a message: the crisis check (mukaan/safety/) answers first when it must;
otherwise the message goes to Rasa, whose custom actions (actions/) search the catalogue.
If Rasa does not answer (down, or slower than the setting ``rasa_timeout``), the message is
searched directly so the resident still gets help, in the page's language.

Privacy: no message text is logged. Each session's last message time is remembered (no text) so
that conversations idle longer than ``conversation_retention_minutes`` are erased from Rasa;
"/start_over" (the pages' "start over" and the kiosk wipe send it) erases the conversation
in Rasa at once.

The conversation keeps its language (mukaan.language.decide; web/session_lang.py keeps it
between turns): a turn without ``lang`` goes on in it, and the notice that the language
changed is given once, on the turn that changed it.
"""
from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from mukaan.catalogue import when
from mukaan.catalogue.present import as_text, result_card
from mukaan.catalogue.ranking import Filters, today
from mukaan.language import Remembered, decide, detect
from mukaan.safety import check, crisis_reply, quiet_line
from mukaan.services import Services
from mukaan.texts import say
from web.access import catalogue_ready
from web.api.deps import CrisisModelDep, LanguagesDep, RasaDep, ServicesDep, SessionsDep, SettingsDep
from web.api.models import ChatMessage, ChatRequest, ChatResponse
from web.rasa_client import RasaUnavailable, to_messages

log = logging.getLogger(__name__)
router = APIRouter()


def _clean(text: str) -> str:
    """Drop control characters (keep line breaks) and surrounding white space."""
    return "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()


@router.post("/api/chat", response_model=ChatResponse, response_model_exclude_none=True)
async def chat(body: ChatRequest, request: Request, settings: SettingsDep, languages: LanguagesDep,
               crisis_model: CrisisModelDep, rasa: RasaDep, sessions: SessionsDep,
               services: ServicesDep) -> ChatResponse:
    session = body.session or uuid.uuid4().hex
    text = _clean(body.message)
    remembered = await languages.get(session) if body.session else None
    page = body.lang or (remembered.page if remembered else None)
    lang = decide(body.lang, remembered, None, settings.default_lang).lang

    def reply(messages: list[ChatMessage], lang_out: str = lang) -> ChatResponse:
        for m in messages:
            m.lang = m.lang or lang_out
        return ChatResponse(session=session, lang=lang_out, messages=messages)

    if not text:
        return reply([ChatMessage(text=say("empty_message", lang), kind="notice")])
    if len(text) > settings.max_message_chars:
        return reply([ChatMessage(text=say("too_long", lang), kind="notice")])

    # Follow a resident who clearly writes in another supported language, and say so once.
    notes: list[ChatMessage] = []
    turn = decide(body.lang, remembered, await run_in_threadpool(detect, text), settings.default_lang)
    lang = turn.lang
    if turn.switched:
        notes.append(ChatMessage(text=say("language_switched", lang), kind="notice", lang=lang))
    await languages.set(session, Remembered(lang, page))

    crisis = await run_in_threadpool(check, text, lang, crisis_model)
    if crisis:
        message, buttons = crisis_reply(crisis.classes, lang)
        return reply([ChatMessage(text=message, kind="crisis",
                                  buttons=[{"title": t, "payload": p} for t, p in buttons])] + notes, lang)

    # Grief, or a hurt that is over: the answer ends with the crisis line, said quietly.
    quiet = [ChatMessage(text=quiet_line(lang), kind="notice")] if crisis.quiet else []
    try:
        sessions.touch(session)
        rasa_messages = await rasa.send(session, text, lang, checked=crisis_model is not None)
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable, searching directly: %s", exc)
        return reply(notes + await _direct_search(request, services, text, lang) + quiet, lang)
    finally:
        if text == "/start_over":      # the conversation ends here: erase it in Rasa
            await languages.drop(session)
            if await rasa.forget(session):
                sessions.drop(session)
        else:                          # idle time counts from Rasa's last change
            sessions.touch(session)
    messages, switched = to_messages(rasa_messages)
    if not messages:
        # Rasa answered with nothing: its custom actions (our /webhook) failed or were
        # unreachable. The resident still gets a search and a way on.
        log.warning("Rasa returned no messages; searching directly")
        return reply(notes + await _direct_search(request, services, text, lang) + quiet, lang)
    if switched and switched != lang and text != "/start_over":   # "puhu suomea": the bot changed it
        await languages.set(session, Remembered(switched, page))
    return reply(notes + [ChatMessage(**m) for m in messages] + quiet, switched or lang)


async def _direct_search(request: Request, services: Services, text: str, lang: str) -> list[ChatMessage]:
    """When Rasa is down: search the catalogue with the message itself (the searcher is opened
    only once the catalogue is known to be ready)."""
    if text.startswith("/") or not catalogue_ready(request):
        return [ChatMessage(text=say("bot_unavailable_no_results", lang), kind="notice")]
    asked, day = when.find(text), today(services.settings)   # "tänä viikonloppuna": a filter
    filters = Filters(today=day, when=when.window(asked, day) if asked and asked != when.ANY else None)
    try:
        results = await run_in_threadpool(services.searcher.search, when.strip(text), lang=lang,
                                          limit=services.settings.results_per_turn, filters=filters)
    except Exception:
        log.exception("direct search failed")
        results = []
    if not results:
        return [ChatMessage(text=say("bot_unavailable_no_results", lang), kind="notice")]
    cards = [result_card(r, lang, day) for r in results]
    return [ChatMessage(text=say("bot_unavailable", lang), kind="notice"),
            ChatMessage(activities=cards, text_version=as_text(cards, lang))]
