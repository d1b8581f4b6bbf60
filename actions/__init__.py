"""Mukaan's custom Rasa actions, served by the web app (see web/api/routes/actions.py).

  slots.py         reads every user turn: language, kind, situation, municipality, age group
  search.py        the search form's question, the search itself, "more", activity details
  conversation.py  crisis reply, start over, change of language

What the actions say is in mukaan/texts.py (fixed replies are in bot/domain.yml).
"""
