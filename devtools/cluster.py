"""Several Rasa and web instances sharing one Redis, on loopback: what a deployment behind a
load balancer looks like, for the multi-instance test and the chat-scaling benchmark.

Web instance i talks to Rasa instance i mod N; Rasa instance j calls the custom actions at web
instance j mod M. Every Rasa keeps its conversations in the same Redis
(bot/endpoints.redis.yml), so any web/Rasa pair can serve the next turn of a conversation.
`RedisServer` starts a throw-away redis-server without persistence (nothing reaches a disk).
"""
from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from devtools.stack import Stack, trained_model, with_action_token
from mukaan.settings import ROOT


@dataclass
class RedisServer:
    """redis-server on a loopback port, in memory only (no RDB snapshots, no AOF)."""
    port: int
    log_dir: Path = ROOT / "var" / "log"
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def start(self, timeout: float = 20) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run scripts/install-services.sh")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.log_dir), "--logfile", str(self.log_dir / f"redis-{self.port}.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        with self.client() as r:
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server exited with code {self.proc.returncode}; "
                                       f"see {self.log_dir}/redis-{self.port}.log")
                try:
                    if r.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"redis-server did not answer on port {self.port} in {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@dataclass
class Cluster:
    """N Rasa and M web instances sharing the Redis at `redis_url`; `start()` starts all of
    them at once (Rasa takes a minute or more to load its model) and returns when all answer."""
    rasa_ports: list[int]
    web_ports: list[int]
    redis_url: str
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path = ROOT / "var" / "log"
    stacks: list[Stack] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.env = with_action_token(self.env)       # one secret for all instances

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.web_ports]

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.rasa_ports]

    def start(self, model: Path | None = None, timeout: float = 420) -> None:
        model = model or trained_model()
        n, m = len(self.rasa_ports), len(self.web_ports)
        try:
            for k in range(max(n, m)):
                stack = Stack(web_port=self.web_ports[k % m], rasa_port=self.rasa_ports[k % n],
                              env=self.env, log_dir=self.log_dir, redis_url=self.redis_url)
                self.stacks.append(stack)
                if k < n:
                    stack.start_rasa(model, name=f"rasa-{stack.rasa_port}")
                if k < m:
                    stack.start_web(name=f"web-{stack.web_port}")
            self.wait(timeout)
        except BaseException:
            self.stop()
            raise

    def wait(self, timeout: float) -> None:
        deadline = time.time() + timeout
        pending = {f"{u}/status" for u in self.rasa_urls} | {f"{u}/health" for u in self.web_urls}
        with httpx.Client(timeout=2) as client:
            while pending and time.time() < deadline:
                for stack in self.stacks:
                    for name, proc in stack.procs.items():
                        if proc.poll() is not None:
                            raise RuntimeError(f"{name} exited with code {proc.returncode}; "
                                               f"see {self.log_dir / name}.log")
                for url in list(pending):
                    try:
                        r = client.get(url)
                        ready = r.status_code == 200 and (
                            bool(r.json().get("model_file")) if url.endswith("/status")
                            else r.json()["components"]["rasa"] == "ok")
                    except (httpx.HTTPError, ValueError, KeyError):
                        ready = False
                    if ready:
                        pending.discard(url)
                time.sleep(1)
        if pending:
            raise TimeoutError(f"not ready in {timeout:.0f} s: {sorted(pending)}; see {self.log_dir}")

    def stop(self) -> None:
        for stack in self.stacks:
            stack.stop()
        self.stacks.clear()
