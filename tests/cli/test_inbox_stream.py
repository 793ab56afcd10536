"""`doorstep inbox --json` for every case streams, a keyset page at a time, and writes exactly
what the whole list written at once would (issue 12 item 2)."""

from __future__ import annotations

import io
import json

import pytest

from app.cli_commands import emit, emit_stream
from app.services.inbox import InboxQuery, iter_inbox, list_inbox
from tests.services.test_inbox_paging import TODAY, demo  # noqa: F401 (the fixture)


@pytest.mark.parametrize(
    "items", [[], [{"a": 1}], [{"case": "X-1", "owed": "Réponse", "n": [1, 2]}, {"b": None}]]
)
def test_the_stream_writes_what_emit_writes(items, monkeypatch):
    out = []
    for write in (emit, emit_stream):
        buf = io.StringIO()
        monkeypatch.setattr("sys.stdout", buf)
        write(iter(items) if write is emit_stream else items)
        out.append(buf.getvalue())
    assert out[0] == out[1]
    assert json.loads(out[1]) == items


@pytest.mark.parametrize("sort", ["due", "resident", "officer"])
def test_iter_inbox_reads_every_row_in_order_in_small_pages(demo, sort):  # noqa: F811
    q = InboxQuery(sort=sort)
    whole = list_inbox(demo, q, as_of=TODAY)
    assert len(whole) > 10
    assert list(iter_inbox(demo, q, as_of=TODAY, batch=4)) == whole
