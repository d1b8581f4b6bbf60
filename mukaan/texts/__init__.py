"""Every sentence and label the server writes, in Finnish, Swedish and English, and the list of
those languages (``LANGS``, ``Lang``): defined here once. The pages keep their own words in
web/static/*texts.js; Rasa's fixed replies are in bot/domain.yml.

  conversation.py  what the actions and the chat API say: ``say(key, lang, **values)``
  crisis.py        the crisis replies, helplines and the quiet crisis line
  cards.py         an activity card's words, the "why this" line, the referral slip's texts
  labels.py        the taxonomy's labels: kinds, topics, audiences, accessibility, languages
  imports.py       what the importers write into activities they fill in themselves
  mail.py          the e-mail that carries an association's edit link

May import: nothing else in the project (everything may import this package).
"""
from __future__ import annotations

from typing import Literal, get_args

from mukaan.texts.conversation import TEXTS, say

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[str, ...] = get_args(Lang)

__all__ = ["LANGS", "TEXTS", "Lang", "say"]
