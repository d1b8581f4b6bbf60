"""The HTTP API: ``deps.py`` (what routes are handed: settings and services), ``models.py``
(request and response bodies) and ``routes/`` (one module per area).

May import: mukaan (core, catalogue, safety, services' types) and web's own helpers
(web/access.py, web/rasa_client.py, web/session_lang.py, web/slip.py, web/qr.py); a route
module never imports another route module.
"""
