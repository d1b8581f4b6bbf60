"""Mukaan's web app (FastAPI): the chat API, the search API, the pages, and the Rasa
custom-action endpoint. Start with ``uvicorn web.main:app`` (``make run`` does it)."""
