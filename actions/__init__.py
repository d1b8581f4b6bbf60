"""Mukaan's custom Rasa actions, served by the web app (see web/api/routes/webhook.py).

  slots.py         reads every user turn: language, kind, situation, municipality, age group,
                   and the follow-ups after results that change the last search instead of
                   starting a new one (is_refinement, follow_up): "entä verkossa?", "på
                   svenska", "for my mother instead", "jotain lähempää?", "något annat"
  search.py        the search form's question, the search itself, "more" / "something else",
                   "nearer" (in person only, the named district first), activity details
  conversation.py  crisis reply, start over, change of language
  services.py      the services the actions use, handed in by whoever runs them

What the actions say is in mukaan/texts/ (fixed replies are in bot/domain.yml).

May import: mukaan (core, catalogue, services) and rasa_sdk; never web/.
"""
