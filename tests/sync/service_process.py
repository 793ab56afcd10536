"""The sync service as a real process on 127.0.0.1, for the tests that need one."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


@contextlib.contextmanager
def running_service(
    argv: list[str], url: str, cwd: Path, env: dict[str, str], wait: float = 30.0
) -> Iterator[subprocess.Popen]:
    """Start ``argv`` (a `server run`), wait until ``url`` answers its health check (bounded),
    and stop it at the end — terminate, then kill if it lingers."""
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                if httpx.get(f"{url}/v1/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"the sync service stopped: {err[-800:]}")
            if time.monotonic() > deadline:
                pytest.fail("the sync service did not start")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
