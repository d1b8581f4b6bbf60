"""One module per area of the API: chat, search, hsds, webhook (Rasa's custom actions), staff,
review, association, reports, needs, pages, health. Each gets what it needs through
web/api/deps.py and web/access.py; no route module imports another."""
