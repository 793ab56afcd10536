"""store/base.py ``uuid7``: RFC 9562 version 7 ids, ordered by the millisecond they were made."""

from __future__ import annotations

import time
import uuid

from app.store.base import uuid7


def test_ids_are_version_7_with_the_rfc_variant_and_the_time_they_were_made():
    before = time.time_ns() // 1_000_000
    ids = [uuid7() for _ in range(2_000)]
    after = time.time_ns() // 1_000_000
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
    assert all(before <= int.from_bytes(u.bytes[:6], "big") <= after for u in ids)
    assert len(set(ids)) == len(ids)
    randoms = {u.int & ((1 << 62) - 1) for u in ids}
    assert len(randoms) == len(ids)  # the random bits differ


def test_an_id_made_later_sorts_later():
    first = uuid7()
    time.sleep(0.002)
    assert uuid7() > first and uuid7().hex > first.hex
