"""A fault-injecting HTTP proxy on 127.0.0.1 between the laptops and the sync service.

Each laptop talks to its own listening port (``FaultProxy.listen(name)``), so the proxy knows
which laptop a request comes from; every port forwards to one upstream service. A seeded
``FaultPlan`` decides, request by request, what happens:

* ``pass``         forwarded, answered;
* ``drop_before``  the connection is closed before forwarding: the server never sees it;
* ``drop_after``   forwarded (the server commits) and the connection closed before the answer:
                   the laptop must send it again and the server answer "duplicate";
* ``duplicate``    delivered twice, answered with the second answer;
* ``held``         (pushes) held back, the laptop's connection dropped, and delivered after the
                   laptop's next push has been forwarded: a batch arrives after a later one;
* ``reversed``     (pushes of two changes or more) the batch split in two and the second half
                   delivered before the first, the answers put back in order: within what the
                   laptop sent, later changes reach the server before earlier ones.

The proxy counts each fault injected, by kind (``counts``), and the answers of 500 or more
the service itself gave (``server_errors``: a service that crashed on a request is a bug; one
that was killed is not — that shows as ``upstream_down``)."""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("drop_before", "drop_after", "duplicate", "held", "reversed")
UPSTREAM_TIMEOUT = 120.0


class FaultPlan:
    """Which fault each request gets: seeded, with a weight per kind (``pass`` included)."""

    def __init__(self, seed: int, weights: dict[str, float] | None = None):
        self.rng = random.Random(seed)
        self.weights = weights or {
            "pass": 0.25,
            "drop_before": 0.17,
            "drop_after": 0.17,
            "duplicate": 0.13,
            "held": 0.1,
            "reversed": 0.18,
        }
        self.enabled = True
        self.lock = threading.Lock()

    def choose(self, path: str, changes: int, holding: bool) -> str:
        if not self.enabled or path == "/v1/enrol":
            return "pass"
        with self.lock:
            kinds, weights = zip(*self.weights.items(), strict=True)
            kind = self.rng.choices(kinds, weights)[0]
        if kind in ("held", "reversed") and path != "/v1/push":
            return "pass"
        if kind == "held" and holding:
            return "pass"
        if kind == "reversed" and changes < 2:
            return "pass"
        return kind


class _Request:
    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes):
        self.method, self.path, self.headers, self.body = method, path, headers, body


class UpstreamDown(Exception):
    pass


class FaultProxy:
    def __init__(self, upstream_port: int, plan: FaultPlan):
        self.upstream_port = upstream_port
        self.plan = plan
        self.counts: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self.server_errors: list[str] = []
        self.lock = threading.Lock()
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.threads: list[threading.Thread] = []
        self.held: dict[str, _Request] = {}
        self.in_flight: Counter[str] = Counter()  # by laptop name
        self.pushing = 0  # pushes being forwarded upstream now
        self.changed = threading.Condition(self.lock)

    # -- bookkeeping -------------------------------------------------------------------------
    def count(self, kind: str, n: int = 1) -> None:
        with self.lock:
            self.counts[kind] += n

    def faults(self) -> int:
        with self.lock:
            return sum(n for k, n in self.counts.items() if k != "upstream_down")

    def wait_for(self, predicate, timeout: float) -> bool:
        """Wait (bounded) until ``predicate(self)`` holds, under the proxy's lock."""
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)

    # -- forwarding ----------------------------------------------------------------------------
    def forward(self, req: _Request, body: bytes | None = None) -> tuple[int, list, bytes]:
        is_push = req.path == "/v1/push"
        with self.changed:
            if is_push:
                self.pushing += 1
            self.changed.notify_all()
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=UPSTREAM_TIMEOUT)
        try:
            headers = {k: v for k, v in req.headers.items() if k.lower() not in ("connection",)}
            data = req.body if body is None else body
            headers["Content-Length"] = str(len(data))
            conn.request(req.method, req.path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if response.status >= 500:
                with self.lock:
                    self.server_errors.append(f"{req.path} {response.status} {payload[:300]!r}")
            return response.status, response.getheaders(), payload
        except (OSError, http.client.HTTPException) as exc:
            raise UpstreamDown(str(exc)) from exc
        finally:
            conn.close()
            with self.changed:
                if is_push:
                    self.pushing -= 1
                self.changed.notify_all()

    def deliver_held(self, name: str) -> None:
        with self.lock:
            late = self.held.pop(name, None)
        if late is not None:
            try:
                self.forward(late)
            except UpstreamDown:
                self.count("upstream_down")

    def flush(self) -> None:
        """Deliver whatever is still held (the end of a run)."""
        for name in list(self.held):
            self.deliver_held(name)

    def handle(self, name: str, req: _Request) -> tuple[int, list, bytes] | None:
        """The answer for the laptop, or None to drop its connection."""
        changes = 0
        if req.path == "/v1/push":
            try:
                changes = len(json.loads(req.body or b"{}").get("changes") or [])
            except ValueError:
                changes = 0
        with self.lock:
            holding = name in self.held
            self.requests[req.path] += 1
        kind = self.plan.choose(req.path, changes, holding)
        if kind != "pass":
            self.count(kind)
        if kind == "drop_before":
            return None
        if kind == "held":
            with self.lock:
                self.held[name] = req
            return None
        if kind == "reversed":
            answer = self._reversed(req)
        else:
            answer = self.forward(req)
            if kind == "duplicate":
                answer = self.forward(req)
        if req.path == "/v1/push":
            self.deliver_held(name)  # a held push arrives after this later one
        if kind == "drop_after":
            return None
        return answer

    def _reversed(self, req: _Request) -> tuple[int, list, bytes]:
        body = json.loads(req.body)
        changes = body["changes"]
        half = len(changes) // 2
        first, second = changes[:half], changes[half:]
        late = self.forward(req, json.dumps({**body, "changes": second}).encode())
        if late[0] != 200:
            return late
        early = self.forward(req, json.dumps({**body, "changes": first}).encode())
        if early[0] != 200:
            return early
        results = json.loads(early[2])["results"] + json.loads(late[2])["results"]
        payload = json.dumps({"results": results}).encode()
        return 200, [("content-type", "application/json")], payload

    # -- listening -----------------------------------------------------------------------------
    def listen(self, name: str) -> int:
        """A port on 127.0.0.1 for the laptop ``name``."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request a connection: a drop is a clean cut

            def log_message(self, *_args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = _Request(self.command, self.path, dict(self.headers.items()), body)
                with proxy.changed:
                    proxy.in_flight[name] += 1
                    proxy.changed.notify_all()
                try:
                    try:
                        answer = proxy.handle(name, req)
                    except UpstreamDown:
                        proxy.count("upstream_down")
                        answer = (502, [], b'{"detail": "the sync service is down"}')
                    if answer is None:
                        self.close_connection = True
                        return
                    status, headers, payload = answer
                    try:
                        self.send_response(status)
                        for key, value in headers:
                            if key.lower() in ("content-type",):
                                self.send_header(key, value)
                        self.send_header("Content-Length", str(len(payload)))
                        self.end_headers()
                        self.wfile.write(payload)
                    except OSError:  # the laptop was killed while it waited
                        self.close_connection = True
                finally:
                    with proxy.changed:
                        proxy.in_flight[name] -= 1
                        proxy.changed.notify_all()

            do_GET = _serve
            do_POST = _serve

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.servers[name] = server
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
        thread.daemon = True
        thread.start()
        self.threads.append(thread)
        return server.server_address[1]

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.servers[name].server_address[1]}"

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=10)
