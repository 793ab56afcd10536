"""Letters for hazards, decisions and arrears (issue 17): issuing the hazard summary records
it as sent (meeting its Awaab's Law clock); the other letters carry their case's facts."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.letters import letters as L
from app.letters.issue import issue_letter
from app.services.cases import create_case, get_case
from app.services.hazards import record_step, report_hazard
from app.services.possession import record_account_check
from app.services.requests import decide_request, log_request
from tests.services.letter_helpers import flat, named_tester, pdf_text, tick_all

REF = "HZ-3"


@pytest.fixture
def home(ws, clock):
    clock.set("2026-03-02T10:00:00+00:00")
    named_tester(ws)  # letters are signed by a person on record
    create_case(ws, ref=REF, kind="arrears", officer="a.khan", resident_name="Mr Invented Okafor",
                address="4 Ash Row\nLondon SE6 3CC")  # fmt: skip
    return ws


def investigated(ws, clock) -> str:
    report_id, _ = report_hazard(ws, REF, hazard="damp_mould", category="significant",
                                 channel="phone", summary="Black mould", location="back bedroom")  # fmt: skip
    clock.set("2026-03-10T10:00:00+00:00")
    record_step(ws, REF, report_id, "hazard_investigated", category="significant",
                finding="Mould on two walls: broken extractor fan, vents painted shut")  # fmt: skip
    return report_id


def test_the_hazard_summary_letter_is_only_offered_once_there_is_a_finding(home, clock):
    with pytest.raises(ValidationError, match="no hazard on this case has been investigated"):
        L.create_letter(home, REF, "hazard_summary")
    investigated(home, clock)
    assert L.create_letter(home, REF, "hazard_summary").status == "draft"


def test_issuing_the_summary_records_it_and_meets_its_clock(home, clock):
    report_id = investigated(home, clock)
    v = tick_all(home, L.create_letter(home, REF, "hazard_summary"))
    v = L.finalise_letter(home, v.id, v.version)
    result = issue_letter(home, v.id, v.version)
    case = get_case(home, REF)
    event = next(e for e in case.events if e.id == result.event_id)
    assert event.type == "hazard_summary_sent" and event.fields["answers"] == report_id
    summary = next(d for d in case.deadlines if d.kind == "hazard_summary")
    assert summary.status == "met"
    text = flat(pdf_text(result.path.read_bytes()))
    assert "damp and mould growth at your home (back bedroom)" in text
    assert "broken extractor fan" in text
    assert "make your home safe by Tuesday 17 March 2026" in text
    with pytest.raises(ValidationError, match="summary of every investigated hazard"):
        L.create_letter(home, REF, "hazard_summary")


def test_the_decision_letter_carries_the_decision_and_reasons(home, clock):
    rid, _ = log_request(home, REF, subject="transfer", channel="phone",
                         summary="Move on harassment grounds")  # fmt: skip
    clock.set("2026-03-20T10:00:00+00:00")
    decide_request(home, REF, rid, decision="Management move agreed: band A",
                   reasons="Police reports and GP letter considered")  # fmt: skip
    v = tick_all(home, L.create_letter(home, REF, "decision_letter"))
    v = L.finalise_letter(home, v.id, v.version)
    text = flat(pdf_text(issue_letter(home, v.id, v.version).path.read_bytes()))
    assert "you asked us for a transfer request" in text
    assert "Management move agreed: band A" in text and "GP letter considered" in text


def test_the_arrears_letter_states_the_checked_balance(home, clock):
    record_account_check(home, REF, balance="412.50", payments_posted=True,
                         evidence_considered=True)  # fmt: skip
    v = tick_all(home, L.create_letter(home, REF, "arrears_contact"))
    v = L.finalise_letter(home, v.id, v.version)
    text = flat(pdf_text(issue_letter(home, v.id, v.version).path.read_bytes()))
    assert "arrears of £412.50" in text and "repayment arrangement you can afford" in text
