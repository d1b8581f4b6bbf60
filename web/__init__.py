"""Mukaan's web app (FastAPI): the chat API (each conversation's language kept between turns
in ``session_lang.py``), the search API, the pages, and the Rasa custom-action endpoint.
Start with ``uvicorn web.main:app`` (``make run`` does it)."""
