"""Tools for developing and testing Mukaan, run from a checkout and never installed:

  stack.py      starts Rasa and the web app as `make run` does, trains the Rasa model when
                its inputs changed (``python -m devtools.stack run | train``)
  cluster.py    several web and Rasa instances behind one address, with Redis (tests, benchmarks)
  postgres.py   a local PostgreSQL server with pgvector and fresh databases on it (tests, benchmarks)

May import: anything in the project.
"""
