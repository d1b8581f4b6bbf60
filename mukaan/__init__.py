"""Mukaan's Python code, all of it importable as ``mukaan.…`` from where it lies.

The shared core (this folder's modules) — may import only each other, ``mukaan.texts`` and
third-party libraries, never a subpackage that imports the core back:

  settings.py      the one pydantic-settings object; nothing else reads the environment
  texts/           every sentence and label the server writes, and the language list
  nlp.py           spaCy pipelines (blank fi/sv/en tokenisation, lemmas), folding
  language.py      which language a message is in, and the conversation's language
  gazette.py       municipalities and districts (Finnish and Swedish names, inflections)
  placenames.py    inflected and spoken forms of place names, made by rule
  privacy.py       scrubbing identifiers from logs and stored text
  needs.py         the anonymous unmet-needs counts staff see
  sqlite.py        SQLite connections as the project opens them
  vectors.py       small linear classifiers over e5 vectors (the crisis check's, the search's)

Subpackages (each may import the core; the core never imports them):

  catalogue/       the activity catalogue: schema, loading, imports, index, search
  safety/          the crisis check (word lists and the semantic route) and its replies
  services.py      the services one process uses, built from its settings (the entry
                   points web/ and actions/ import it; nothing in mukaan does)
"""
