"""Mukaan's web app (FastAPI): the chat API (each conversation's language kept between turns
in ``session_lang.py``), the search API, the pages, and the Rasa custom-action endpoint.
Start with ``uvicorn web.main:app`` (``make run`` does it).

  main.py          the app: routes, static pages, start-up (loading and checking the catalogue)
  api/             deps.py (settings and services handed to routes), models.py, routes/
  access.py        who may call a route: staff tokens, edit links, same-site requests
  rasa_client.py   talking to the Rasa server; session_lang.py the conversation's language
  security.py      headers, size and rate limits, CORS; slip.py and qr.py the referral slip
  static/          the pages (their words in static/texts.js); templates/ and pages.py the staff
                   and association pages, which share one header

May import: mukaan (core, catalogue, safety, services) and actions (only the webhook runs them).
"""
