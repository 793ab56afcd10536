"""The fault harness's proxy does what each fault says (against a recording upstream), so the
harness's counts mean what they claim."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.sync.faultproxy import FaultPlan, FaultProxy


class Upstream:
    """Answers each push with one result per change; remembers the change ids it saw."""

    def __init__(self):
        seen: list[list[str]] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ids = [c["id"] for c in body.get("changes", [])]
                seen.append(ids)
                payload = json.dumps({"results": [{"id": i, "status": "applied"} for i in ids]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload.encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rig():
    upstream = Upstream()
    proxy = FaultProxy(upstream.port, FaultPlan(seed=1))
    proxy.listen("laptop")
    yield upstream, proxy
    proxy.close()
    upstream.close()


def only(kind: str) -> dict[str, float]:
    return {kind: 1.0}


def push(proxy: FaultProxy, ids: list[str]) -> httpx.Response:
    return httpx.post(
        f"{proxy.url('laptop')}/v1/push", json={"changes": [{"id": i} for i in ids]}, timeout=5
    )


def test_drop_before_never_reaches_the_server(rig):
    upstream, proxy = rig
    proxy.plan.weights = only("drop_before")
    with pytest.raises(httpx.RemoteProtocolError):
        push(proxy, ["a"])
    assert upstream.seen == [] and proxy.counts["drop_before"] == 1


def test_drop_after_reaches_the_server_but_not_the_answer(rig):
    upstream, proxy = rig
    proxy.plan.weights = only("drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        push(proxy, ["a"])
    assert upstream.seen == [["a"]] and proxy.counts["drop_after"] == 1


def test_duplicate_is_delivered_twice(rig):
    upstream, proxy = rig
    proxy.plan.weights = only("duplicate")
    assert push(proxy, ["a"]).json()["results"][0]["id"] == "a"
    assert upstream.seen == [["a"], ["a"]]


def test_a_held_push_arrives_after_the_next(rig):
    upstream, proxy = rig
    proxy.plan.weights = only("held")
    with pytest.raises(httpx.RemoteProtocolError):
        push(proxy, ["a"])
    assert upstream.seen == []
    assert push(proxy, ["b"]).status_code == 200  # one is held at a time: this one passes
    assert upstream.seen == [["b"], ["a"]]


def test_a_reversed_batch_sends_its_second_half_first_and_answers_in_order(rig):
    upstream, proxy = rig
    proxy.plan.weights = only("reversed")
    answer = push(proxy, ["a", "b", "c", "d"]).json()
    assert upstream.seen == [["c", "d"], ["a", "b"]]
    assert [r["id"] for r in answer["results"]] == ["a", "b", "c", "d"]
    assert proxy.counts == {"reversed": 1}


def test_a_service_that_is_down_is_a_502_not_a_fault(rig):
    upstream, proxy = rig
    proxy.plan.enabled = False
    upstream.close()
    assert push(proxy, ["a"]).status_code == 502
    assert proxy.faults() == 0 and proxy.counts["upstream_down"] == 1
