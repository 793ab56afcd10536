"""People are shown by their names and job titles, never by login names (issue 13 item 3)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.demo.database import create_demo_database
from app.letters import letters as L
from app.services.people import display_name, name_and_title
from app.services.workspace import Actor, open_workspace
from app.store.models import Case, Officer


def bare_logins(text: str, usernames) -> set[str]:
    """Usernames standing on their own in ``text`` (inside an email address does not count)."""
    return {u for u in usernames if re.search(rf"(?<![\w.@]){re.escape(u)}(?![\w@])", text)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = create_demo_database(tmp_path_factory.mktemp("demo") / "demo.sqlite", n_cases=12)
    ws = open_workspace(path, actor=Actor("p.natarajan", "test-device"), create=False)
    yield ws
    ws.close()


def usernames(ws) -> list[str]:
    with ws.db.read() as s:
        return list(s.scalars(select(Officer.username)))


def test_every_demo_officer_has_a_name_and_a_job_title(demo):
    with demo.db.read() as s:
        people = s.scalars(select(Officer)).all()
    assert len(people) == 11
    assert [o.username for o in people if not o.name or o.name == o.username] == []
    assert [o.username for o in people if not o.job_title] == []


def test_names_and_titles_and_the_apps_own_writers(demo):
    assert display_name(demo, "p.natarajan") == "Priya Natarajan"
    assert name_and_title(demo, "p.natarajan") == "Priya Natarajan (Housing services manager)"
    assert display_name(demo, "r.price") == "Rachel Price"
    assert display_name(demo, "demo") == "the demo set-up"
    assert display_name(demo, "resident") == "the resident"
    assert display_name(demo, None) == ""
    assert display_name(demo, "stranger") == "stranger"  # nobody on record: shown as it is


def test_demo_letters_are_signed_with_the_signers_name_and_title_and_name_nobody_by_login(demo):
    names = usernames(demo)
    with demo.db.read() as s:
        refs = list(s.scalars(select(Case.ref).order_by(Case.ref)))
    rendered = 0
    for ref in refs:
        for choice in L.available_templates(demo, ref):
            if not choice.available:
                continue
            data, _gaps = L.render_for_case(demo, ref, choice.name, text=True)
            text = data.decode("utf-8")
            assert bare_logins(text, names) == set(), (ref, choice.name)
            rendered += 1
    assert rendered > 40
    v = L.create_letter(demo, "HX-0001", "apology")
    assert (v.context.signature.name, v.context.signature.title) == (
        "Priya Natarajan",
        "Housing services manager",
    )


def test_login_names_in_free_text_become_names(demo):
    from app.services.people import named

    assert named(demo, "Complaint about r.price was handled by r.price on 8 Aug") == (
        "Complaint about Rachel Price was handled by Rachel Price on 8 Aug"
    )
    assert named(demo, "write to r.price@example.org or ar.price") == (
        "write to r.price@example.org or ar.price"
    )
