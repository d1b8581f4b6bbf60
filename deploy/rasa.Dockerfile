# Rasa Open Source 3.6 (Python 3.10) with Mukaan's bot; the model is trained while the image is
# built (a few minutes), so a new image is a retrained bot.
# Build from the repository root:  docker compose -f deploy/compose.yaml build rasa1 rasa2
FROM python:3.10-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore \
    MPLCONFIGDIR=/tmp/matplotlib PYTHONPATH=/app/bot
WORKDIR /app

COPY requirements/rasa.lock requirements/rasa.lock
RUN pip install --no-cache-dir -r requirements/rasa.lock
COPY bot bot
COPY nlu_data nlu_data
RUN rasa train --config bot/config.yml --domain bot/domain.yml --data nlu_data bot/data \
        --out models/rasa --fixed-model-name mukaan \
 && rm -rf .rasa

RUN useradd --system --uid 10001 --home-dir /app rasa && chown -R rasa /app
# Serving only (training above keeps TensorFlow's defaults): small thread pools, two malloc
# arenas and no oneDNN caches hold the server's memory down; as devtools/stack.py RASA_SERVING_ENV.
ENV TF_INTER_OP_PARALLELISM_THREADS=1 TF_INTRA_OP_PARALLELISM_THREADS=2 \
    TF_NUM_INTEROP_THREADS=1 TF_NUM_INTRAOP_THREADS=2 OMP_NUM_THREADS=2 \
    MALLOC_ARENA_MAX=2 TF_ENABLE_ONEDNN_OPTS=0
USER rasa
EXPOSE 5005
# bot/endpoints.redis.yml: conversations in Redis (shared by every instance, with expiry) and
# the atomic lock store of bot/mukaan_redis.py. Its MUKAAN_REDIS_* variables come from compose.yaml.
# bot/logging.yml keeps what residents write out of Rasa's log.
CMD ["rasa", "run", "--enable-api", "-i", "0.0.0.0", "-p", "5005", "--model", "models/rasa/mukaan.tar.gz", \
     "--endpoints", "bot/endpoints.redis.yml", "--credentials", "bot/credentials.yml", \
     "--logging-config-file", "bot/logging.yml"]
