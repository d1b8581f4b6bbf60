"""All configuration in one place. Every field can be set with an environment variable
``MUKAAN_<FIELD>`` (e.g. ``MUKAAN_RASA_URL``) or in a ``.env`` file in the project root."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DATA = ROOT / "catalogue" / "data"   # the data files (the code is mukaan/catalogue/)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MUKAAN_", env_file=ROOT / ".env", extra="ignore")

    # The multilingual embedding model: a sentence-transformers id or a folder.
    embedding_model: str = str(ROOT / "models" / "multilingual-e5-small")
    # How queries run: "onnx" = on ONNX Runtime, over the fp32 graph `make model` exports into
    # that folder (13 ms a query against 31; mukaan/catalogue/embedding.py); "torch" = on
    # sentence-transformers, also for a model id from a hub. Passages always use the latter.
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    # SQLite file holding the catalogue and its vectors.
    database: Path = ROOT / "var" / "catalogue.sqlite3"
    # PostgreSQL with pgvector instead (postgresql://user:password@host:port/dbname): the
    # catalogue shared by several web instances and writers (mukaan/catalogue/pg_store.py). Unset =
    # the SQLite file above. Also read from plain DATABASE_URL.
    database_url: str | None = Field(None, validation_alias=AliasChoices("mukaan_database_url", "database_url"))
    # Folder of human-editable catalogue files loaded by `build-index`.
    catalogue_dir: Path = CATALOGUE_DATA / "activities"

    # Rasa server (NLU + dialogue) the web app talks to.
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 10.0
    # Shared secret Rasa sends with each custom-action call (header X-Mukaan-Action-Token,
    # bot/endpoints.yml); /webhook refuses calls without it. `make run` and the tests' stacks
    # make a random one when unset; unset in a web app started another way = /webhook is open.
    action_token: str | None = None
    # Shared conversation state for several Rasa instances: a Redis URL
    # (redis://[user:password@]host[:port][/db]). Unset = each Rasa keeps its conversations in
    # its own memory (one instance). With Redis, conversations are held in Redis memory only,
    # under the key prefix (letters and digits), and expire conversation_retention_minutes
    # after their last message.
    redis_url: str | None = None
    redis_key_prefix: str = Field("mukaan", pattern=r"^[A-Za-z0-9]+$")

    # Web app.
    host: str = "127.0.0.1"
    port: int = 8000
    default_lang: str = "fi"
    max_message_chars: int = 2000
    # Requests larger than this are refused with 413 (chat messages are far smaller).
    max_request_bytes: int = 64_000
    # Rasa's calls to the custom actions (POST /webhook) carry the whole conversation and the
    # domain (≈ 60 kB after ten turns), so they may be larger.
    max_action_call_bytes: int = 4_000_000
    # Chat and search requests per client and minute (0 = no limit).
    rate_limit_per_minute: int = 120
    # Sites allowed to call the API from the browser (CORS) and to frame the pages.
    cors_origins: list[str] = []
    frame_ancestors: list[str] = []

    # Anonymous counts of searches that found no good match (no text, no session ids).
    needs_database: Path = ROOT / "var" / "needs.sqlite3"
    # Privacy. A conversation idle this long is erased from Rasa's memory (keep it equal to
    # session_expiration_time in bot/domain.yml); unmet-needs counts older than this many
    # months are deleted (0 = kept). The privacy notice (/privacy) shows both, and whom to ask.
    conversation_retention_minutes: float = 30.0
    needs_retention_months: int = 24
    privacy_controller: str = "Mukaan demo service (the city that runs it)"
    privacy_contact: str = "tietosuoja@example.org"

    # Threads for encoding search queries (web app, CLI search); 0 = all cores.
    # Building the index uses all cores.
    embedding_threads: int = 1

    # Search: how many results a chat recommendation shows, and the hybrid weights, tuned
    # on tests/eval/search_cases.yaml by scripts/tune_search.py (shared cases held out).
    results_per_turn: int = 3
    dense_weight: float = 0.4
    lexical_weight: float = 0.05   # the tuner would take 0 (+0.007 p@3); kept for names: "Kulma", "Olka"
    topic_weight: float = 1.0
    kind_weight: float = 0.6
    # Bonus for an activity whose kind fits what the query wishes for ("someone to talk to":
    # peer support; "company": befriending), times the cue's preference (taxonomy.NEED_CUES).
    need_weight: float = 0.4
    # Score taken off activities outside the resident's municipality (online or nearby).
    away_penalty: float = 0.15
    # Bonus for an activity in the district the resident named (catalogue/data/districts.csv):
    # small, so it decides only between activities of about equal relevance.
    district_bonus: float = 0.05
    # Score taken off volunteering (giving help, not getting it) and one-off events when the
    # query does not ask for them (mukaan/catalogue/ranking.py, UNASKED_KINDS).
    unasked_kind_penalty: float = 0.2
    # The "what is asked" detector (mukaan/catalogue/asked.py, `make asked`): a classifier over
    # the e5 query vector fused with the lexicon. When volunteering is its most likely class,
    # from P(volunteering) asked_giving, the query asks for volunteering; below asked_getting a
    # lexicon match for it is a wish to get a volunteer's help, not to volunteer; the other
    # kinds' probabilities times asked_need join the need cues. Tuned on the blind dev half
    # (tests/eval/blind/search_dev.yaml). Missing or stale file: the lexicon alone.
    asked_model: Path = ROOT / "var" / "asked_model.npz"
    asked_giving: float = 0.3
    asked_getting: float = 0.5
    asked_need: float = 0.3
    # "ei kuntosali vaan kävelyryhmä", "not X but Y": the negated words are not searched for
    # (asked.split_negated); False = the query is read whole.
    asked_negation: bool = True
    # Vectors from which dense search uses an approximate HNSW index (usearch) instead of an
    # exact scan; 0 = always exact. The bundled catalogue has about 1,100 vectors.
    ann_min_vectors: int = 150_000

    # The crisis check's semantic route: the classifier `make safety` trains, and the scores
    # (1 - probability of calm) from which a message is a crisis: the whole message's, or that
    # of its most alarming sentence. From support_threshold (probability of grief or a
    # hurt that is over) the answer ends with the crisis line, quietly. Tuned on the blind dev
    # half, tests/eval/blind/crisis_dev.yaml (python -m scripts.eval_safety --sweep).
    crisis_model: Path = ROOT / "var" / "crisis_model.npz"
    crisis_threshold: float = 0.68
    crisis_part_threshold: float = 0.9
    crisis_support_threshold: float = 0.5
    # From this whole-message score the lexicon's calm exceptions ("äiti tappaa mut jos…" as a
    # joke) are overruled: the classifier hears a real threat.
    crisis_calm_veto: float = 0.9
    # Below this whole-message score, a word that only names the subject ("itsemurhatilastot",
    # "tää työ tappaa mut") is not a crisis: the classifier finds the message clearly calm.
    # On the dev half, calm messages with such words scored at most 0.05, crises at least 0.55.
    crisis_mention_veto: float = 0.3
    # The NLU classifier's crisis intent is a third, weaker opinion: where the check above ran
    # with both routes and found no crisis, the NLU guess alone brings the emergency reply only
    # from this confidence (below it the message is taken as the resident's situation). On the
    # blind dev half through Rasa, two calm messages got the crisis intent (0.63, 0.82) and no
    # crisis needed it.
    crisis_nlu_confidence: float = 0.9

    # Associations keep their activities current (mukaan/catalogue/editorial.py): the file of edit
    # links, pending changes, the audit log and error reports (in PostgreSQL instead when
    # database_url is set); how long an edit link works; how long audit entries and handled
    # reports are kept; after how many months without a confirmation staff are reminded, and
    # after how many the activity is hidden from residents (0 = never).
    editorial_database: Path = ROOT / "var" / "editorial.sqlite3"
    edit_link_days: int = Field(365, ge=1)
    audit_retention_months: int = Field(24, ge=0)
    freshness_remind_months: int = Field(6, ge=0)
    freshness_hide_months: int = Field(12, ge=0)
    # Error reports from residents per client and hour (0 = no limit); their text's length.
    report_rate_per_hour: int = Field(10, ge=0)
    report_max_chars: int = Field(300, ge=20, le=2000)
    # Associations' requests for an edit link (/access): per client and hour (0 = no limit),
    # and the length of their optional message.
    access_request_rate_per_hour: int = Field(5, ge=0)
    access_request_max_chars: int = Field(500, ge=20, le=2000)
    # E-mail of edit links (mukaan/mail.py). Unset smtp_host or smtp_from: no e-mail, staff
    # copy the link. smtp_starttls: upgrade the connection to TLS before logging in.
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_from: str | None = None
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout: float = Field(10.0, gt=0, le=120)
    # The address residents and associations reach the site at (https://mukaan.example.org,
    # a path allowed): every link the server writes into an e-mail or shows staff to copy
    # starts with it. Unset = the address the request came to (its Host header), fine for
    # local use but not behind a proxy, where the Host header is whatever the client sent.
    public_url: str | None = None
    # The day Mukaan takes as today (YYYY-MM-DD): for demos and tests that travel in time.
    # Unset = the real date.
    today: dt.date | None = None
    # Named staff tokens ({"name": "token"}, JSON), so the audit log says which one acted;
    # staff_token below counts as the name "staff".
    staff_tokens: dict[str, str] = {}

    # Staff console (/staff): the shared token staff type in. Unset or empty: the console is
    # disabled and every /api/staff route answers 403.
    staff_token: str | None = None
    # Kiosk (/kiosk): seconds without a touch or key before the "are you still there?"
    # warning, and how long the warning counts down before everything is wiped.
    kiosk_idle_seconds: int = 120
    kiosk_warning_seconds: int = 30
    # The town the kiosks stand in (Finnish or Swedish name): offered as the first answer to
    # "which municipality?". A kiosk elsewhere overrides it with /kiosk?municipality=Name.
    kiosk_municipality: str | None = None

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """http(s)://host[:port][/path], no query, fragment or user; kept without the final /."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        parts = urlsplit(value)
        if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
                or "@" in parts.netloc or any(ch.isspace() for ch in value)):
            raise ValueError("give the site's address as https://host[:port][/path]")
        return value.rstrip("/")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


