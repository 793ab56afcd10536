"""Offline laptops that sync with the team server (DESIGN.md: data flow; docs/sync.md).

* ``outbox`` — a laptop's local changes, recorded in the same transaction as the change.
* ``docs`` — the JSON forms of cases, events and changes that travel.
* ``push`` / ``pull`` — the server's side: apply a laptop's changes once; serve the changes
  after a cursor to the cases the device's person may see.
* ``replica`` — the laptop's side: apply what was pulled (deadlines re-derived here).
* ``client`` — the laptop's conversation with the server over HTTP (httpx).
* ``devices`` — enrolment and revocable device tokens. ``conflicts`` — the review queue.
"""
