"""Mukaan's shared core: settings, language tools (spaCy pipelines, language detection),
the crisis check, and log scrubbing. Used by the catalogue, the actions and the web app."""
