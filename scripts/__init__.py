"""Scripts that print figures, run from a checkout (`make eval`, `make bench`, `make loadtest`):
evaluation (eval_*.py), benchmarks (bench_*.py), the load test (loadtest.py, load_measure.py),
search tuning and one-off data tools. Never imported by the app.

May import: anything in the project and devtools/.
"""
