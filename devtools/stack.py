"""Starts and stops Mukaan's processes: the Rasa server and the web app (which also serves
the custom actions). Used by ``make run`` and by the end-to-end tests.

  python -m devtools.stack train   train the Rasa model unless one for the same inputs exists
  python -m devtools.stack run     start both, wait until ready, print the URL; Ctrl-C stops both

With MUKAAN_REDIS_URL set, Rasa keeps conversations in Redis (bot/endpoints.redis.yml), so
several Rasa instances can serve one conversation; devtools/cluster.py starts such a set.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import httpx

from mukaan.settings import ROOT, Settings

RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
TRAINED = ROOT / "models" / "rasa"
CACHE = Path(os.environ.get("MUKAAN_CACHE", Path.home() / ".cache" / "mukaan"))
TRAINING_INPUTS = ["bot/config.yml", "bot/domain.yml", "bot/data", "nlu_data", "requirements/rasa.lock"]


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", MPLCONFIGDIR=str(ROOT / "var" / "matplotlib"),
               TF_CPP_MIN_LOG_LEVEL="2", SANIC_HOST="127.0.0.1", PYTHONWARNINGS="ignore",
               PYTHONUNBUFFERED="1",            # log lines reach var/log/rasa.log at once
               PYTHONPATH=str(ROOT / "bot"))    # bot/mukaan_redis.py and bot/mukaan_logging.py
    return env


# The running Rasa server's thread pools and allocator (issue 18; environment only, the model is
# not trained again). Measured with scripts/memory_steps.py --rasa and scripts/bench_memory.py:
# see README "Requirements". Training keeps TensorFlow's defaults, so a model trained here is the
# same as before. oneDNN off: its primitive caches held about 60 MB, with the same NLU figures.
RASA_SERVING_ENV = {
    "TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "2",   # Rasa's names
    "TF_NUM_INTEROP_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "2",                     # TensorFlow's
    "OMP_NUM_THREADS": "2", "MALLOC_ARENA_MAX": "2", "TF_ENABLE_ONEDNN_OPTS": "0",
}


def with_action_token(env: dict[str, str]) -> dict[str, str]:
    """``env`` with MUKAAN_ACTION_TOKEN, the secret Rasa sends with its action calls: the one
    given or set, else a new random one (web apps and Rasa instances started with the same
    env then agree on it)."""
    token = env.get("MUKAAN_ACTION_TOKEN") or settings_for(env).action_token or secrets.token_urlsafe(32)
    return env | {"MUKAAN_ACTION_TOKEN": token}


def settings_for(env: dict[str, str]) -> Settings:
    """The settings a process started with these extra environment variables will see."""
    with mock.patch.dict(os.environ, env):
        return Settings()


def redis_endpoint_env(url: str, settings: Settings) -> dict[str, str]:
    """The MUKAAN_REDIS_* variables bot/endpoints.redis.yml reads, from a redis:// URL."""
    from redis.connection import parse_url

    if not url.startswith("redis://"):
        raise SystemExit("MUKAAN_REDIS_URL must be redis://[user:password@]host[:port][/db]"
                         " (for TLS, copy bot/endpoints.redis.yml and add use_ssl: true)")
    parts = parse_url(url)
    return {"MUKAAN_REDIS_HOST": parts.get("host", "localhost"), "MUKAAN_REDIS_PORT": str(parts.get("port", 6379)),
            "MUKAAN_REDIS_DB": str(parts.get("db", 0)), "MUKAAN_REDIS_USERNAME": parts.get("username") or "",
            "MUKAAN_REDIS_PASSWORD": parts.get("password") or "",
            "MUKAAN_REDIS_KEY_PREFIX": settings.redis_key_prefix,
            "MUKAAN_REDIS_RECORD_EXP": str(max(1, round(settings.conversation_retention_minutes * 60)))}


def training_hash() -> str:
    """A hash of everything the trained model depends on."""
    h = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def trained_model() -> Path:
    return TRAINED / f"mukaan-{training_hash()}.tar.gz"


def train(force: bool = False) -> Path:
    """Train the Rasa model if its inputs changed; reuse a cached model otherwise."""
    target = trained_model()
    cached = CACHE / "rasa-models" / target.name
    if target.exists() and not force:
        print(f"Rasa model up to date: {target.relative_to(ROOT)}")
        return target
    TRAINED.mkdir(parents=True, exist_ok=True)
    if cached.exists() and not force:
        shutil.copy2(cached, target)
        print(f"Rasa model from cache: {cached}")
        return target
    print("Training the Rasa model (a few minutes)…", flush=True)
    t0 = time.time()
    subprocess.run([str(RASA_BIN), "train", "--config", "bot/config.yml", "--domain", "bot/domain.yml",
                    "--data", "nlu_data", "bot/data", "--out", str(TRAINED),
                    "--fixed-model-name", target.name.removesuffix(".tar.gz")],
                   cwd=ROOT, env=rasa_env(), check=True)
    print(f"Trained in {time.time() - t0:.0f} s: {target.relative_to(ROOT)}")
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, cached)
    for old in TRAINED.glob("mukaan-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


@dataclass
class Stack:
    """The two processes on loopback ports; `start()` returns once both are ready."""
    web_port: int = 8000
    rasa_port: int = 5005
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path = ROOT / "var" / "log"
    action_url: str | None = None   # default: the web app's own /webhook
    redis_url: str | None = None    # default: the setting MUKAAN_REDIS_URL
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = with_action_token(self.env)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / f"{name}.log", "ab") as out:   # the child keeps its own handle
            self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                                start_new_session=True)

    def start(self, model: Path | None = None, timeout: float = 300) -> None:
        self.start_rasa(model)
        self.start_web()
        self.wait(timeout)

    def start_rasa(self, model: Path | None = None, name: str = "rasa") -> None:
        """Start Rasa without waiting; with a Redis URL its conversations live in Redis."""
        model = model or trained_model()
        if not model.exists():
            raise SystemExit(f"No trained Rasa model at {model}: run `make train`")
        endpoints, redis = "bot/endpoints.yml", {}
        settings = settings_for(self.env)
        redis_url = self.redis_url or settings.redis_url
        if redis_url:
            endpoints, redis = "bot/endpoints.redis.yml", redis_endpoint_env(redis_url, settings)
        env = (RASA_SERVING_ENV | rasa_env() | redis | self.env     # the shell's own values win
               | {"MUKAAN_ACTION_URL": self.action_url or f"{self.web_url}/webhook"})
        self._spawn(name, [str(RASA_BIN), "run", "--enable-api", "-i", "127.0.0.1",
                           "-p", str(self.rasa_port), "--model", str(model),
                           "--endpoints", endpoints, "--credentials", "bot/credentials.yml",
                           "--logging-config-file", "bot/logging.yml"], env)

    def start_web(self, name: str = "web") -> None:
        """Start the web app (which also serves the custom actions) without waiting."""
        web_env = dict(os.environ) | self.env | {"MUKAAN_RASA_URL": self.rasa_url}
        if self.redis_url:      # as deploy/compose.yaml: the web app keeps session languages there
            web_env["MUKAAN_REDIS_URL"] = self.redis_url
        self._spawn(name, [sys.executable, "-m", "uvicorn", "web.main:app", "--host", "127.0.0.1",
                           "--port", str(self.web_port), "--no-access-log"], web_env)

    def wait(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {proc.returncode}; see {self.log_dir / name}.log")
            try:
                web = httpx.get(f"{self.web_url}/health", timeout=2)
                if web.status_code == 200 and web.json()["components"]["rasa"] == "ok":
                    return
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(1)
        self.stop()
        raise TimeoutError(f"the stack was not ready in {timeout:.0f} s; see {self.log_dir}")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.procs.clear()


def stop_on_signals(code: int = 143) -> None:
    """Make Ctrl-C (SIGINT) and SIGTERM raise in the main thread, so that a ``finally:
    stack.stop()`` runs and no Rasa or web process is left behind, even where a parent shell
    had told this process to ignore SIGINT. SIGTERM exits with ``code``."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(code))


def demo_access(stack: Stack, local_token: str | None) -> str:
    """LOCAL DEMO ACCESS lines: the staff token made for this run, and an edit link of one demo
    association (a new one each run: the previous link stops working)."""
    lines = ["", "LOCAL DEMO ACCESS (this machine only; not for production):"]
    if local_token:
        lines.append(f"  staff token for {stack.web_url}/staff and /staff/review: {local_token}")
    try:
        from mukaan.catalogue.editing import owner
        from mukaan.services import Services
        services = Services(settings_for(stack.env))
        demo = next(a for a in services.searcher.snapshot().activities if a.is_demo and a.organizer)
        token = services.editorial.issue_link(owner(demo), demo.organizer.name, "make run")
        lines.append(f"  edit link of the demo association {demo.organizer.name}: {stack.web_url}/association#{token}")
    except (StopIteration, OSError, RuntimeError, ValueError) as exc:
        lines.append(f"  (no demo edit link: {exc})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.stack")
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--force", action="store_true")
    r = sub.add_parser("run")
    r.add_argument("--port", type=int, default=int(os.environ.get("MUKAAN_PORT", 8000)))
    r.add_argument("--rasa-port", type=int, default=5005)
    args = parser.parse_args()
    if args.command == "train":
        train(force=args.force)
        return
    # A newcomer can open every page: without a staff token, this run makes a local one.
    local_token = None if settings_for({}).staff_token else f"local-{secrets.token_urlsafe(12)}"
    stack = Stack(web_port=args.port, rasa_port=args.rasa_port,
                  env={"MUKAAN_STAFF_TOKEN": local_token} if local_token else {})
    stop_on_signals(code=0)
    t0 = time.time()
    try:
        print("Starting Rasa and the web app…", flush=True)
        stack.start()
        print(f"\nMukaan is running ({time.time() - t0:.0f} s): {stack.web_url}\n"
              f"Logs: {stack.log_dir}. Press Ctrl-C to stop.", flush=True)
        print(demo_access(stack, local_token), flush=True)
        while all(p.poll() is None for p in stack.procs.values()):
            time.sleep(1)
        print("A process stopped; shutting down.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("Stopped.")


if __name__ == "__main__":
    main()
