"""HTTP API: one module per area under ``routes/``."""
