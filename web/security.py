"""HTTP hardening for the web app: security headers (a CSP without inline scripts), a request
size limit, per-client rate limits on the chat, search and HSDS APIs (and hourly ones on error
reports and access requests), and the CORS allow-list for sites that embed the widget.

The size limit works twice: a declared Content-Length over the limit is answered at once with
the limit in the message; a body without one (sent in chunks) is counted as it arrives by
Starlette's RequestBodyLimitMiddleware and cut off at the limit. Both answers are 413 and carry
the security headers. Rasa's calls to the custom actions (/webhook) carry the whole
conversation and the domain, so they have their own, larger limit."""
from __future__ import annotations

import time
from collections import deque

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware.body_limit import RequestBodyLimitMiddleware

from mukaan.settings import Settings

RATE_LIMITED = ("/api/chat", "/api/activities/search")
RATE_LIMITED_PREFIXES = ("/hsds/",)          # the HSDS read API, open to other systems
ACTION_CALLS = "/webhook"
REPORTS = "/api/reports"                     # residents' error reports: their own hourly limit
ACCESS_REQUESTS = "/api/access-requests"     # associations asking for an edit link: the same


class BodyLimit:
    """Starlette's RequestBodyLimitMiddleware with a larger limit for the action calls."""

    def __init__(self, app, max_body_size: int, max_action_call_size: int):
        self.default = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)
        self.actions = RequestBodyLimitMiddleware(app, max_body_size=max_action_call_size)

    async def __call__(self, scope, receive, send):
        limited = self.actions if scope.get("path") == ACTION_CALLS else self.default
        await limited(scope, receive, send)


class _Limiter:
    """At most ``limit()`` requests per client in ``window`` seconds (0 = no limit)."""

    def __init__(self, limit, window: float):
        self.limit, self.window = limit, window
        self.hits: dict[str, deque[float]] = {}

    def over(self, client: str) -> bool:
        if self.limit() <= 0:
            return False
        now = time.monotonic()
        hits = self.hits.setdefault(client, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit():
            return True
        hits.append(now)
        if len(self.hits) > 10_000:  # forget idle clients
            for key in [k for k, v in self.hits.items() if not v or now - v[-1] > self.window]:
                del self.hits[key]
        return False


def is_rate_limited(path: str) -> bool:
    return path in RATE_LIMITED or path.startswith(RATE_LIMITED_PREFIXES) or path == "/hsds"


def body_limit(settings: Settings, path: str) -> int:
    return settings.max_action_call_bytes if path == ACTION_CALLS else settings.max_request_bytes


def install(app: FastAPI, settings: Settings) -> None:
    frame_ancestors = " ".join(["'self'", *settings.frame_ancestors]) if settings.frame_ancestors else "'self'"
    csp = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           f"connect-src 'self'; frame-ancestors {frame_ancestors}; base-uri 'none'; form-action 'self'")
    per_minute = _Limiter(lambda: settings.rate_limit_per_minute, 60.0)
    reports = _Limiter(lambda: settings.report_rate_per_hour, 3600.0)
    access_requests = _Limiter(lambda: settings.access_request_rate_per_hour, 3600.0)
    # Added first, so it sits inside `harden` (middleware added later wraps what came before).
    app.add_middleware(BodyLimit, max_body_size=settings.max_request_bytes,
                       max_action_call_size=settings.max_action_call_bytes)

    def refused(request: Request) -> JSONResponse | None:
        """413 for a declared oversize body, 429 for a client over the rate limit."""
        length = request.headers.get("content-length")
        limit = body_limit(settings, request.url.path)
        if length and length.isdigit() and int(length) > limit:
            return JSONResponse({"detail": f"Request too large (limit {limit} bytes)"}, status_code=413)
        client = request.client.host if request.client else "?"
        over = (is_rate_limited(request.url.path) and per_minute.over(client)) or \
            (request.url.path == REPORTS and request.method == "POST" and reports.over(client)) or \
            (request.url.path == ACCESS_REQUESTS and request.method == "POST" and access_requests.over(client))
        if over:
            return JSONResponse({"detail": "Too many requests. Please wait a moment."}, status_code=429,
                                headers={"Retry-After": "30"})
        return None

    @app.middleware("http")
    async def harden(request: Request, call_next):
        response = refused(request) or await call_next(request)
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
