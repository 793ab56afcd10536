"""One rendered page per letter template (docs/letters/) and screenshots of the letter UI (docs/screenshots/).

Run under a display: ``xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/letter_screenshots.py``.
Needs ``pdftoppm`` (poppler-utils). The cases are invented, in the spirit of the seeds.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.letters import letters as L  # noqa: E402
from app.services import complaints as svc  # noqa: E402
from app.services.cases import create_case, get_case, record_event  # noqa: E402
from app.services.workspace import Actor, open_workspace  # noqa: E402
from app.store.models import Officer  # noqa: E402
from tests.services.complaint_helpers import draft  # noqa: E402

PAGES = ROOT / "docs" / "letters"
SHOTS = ROOT / "docs" / "screenshots"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2025, 6, 3, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, iso: str) -> None:
        self.now = dt.datetime.fromisoformat(iso)


def office(ws) -> None:
    with ws.db.write() as s:
        s.add(
            Officer(
                username="a.khan",
                name="Aisha Khan",
                role="officer",
                email="a.khan@larkspur-homes.example.org",
            )
        )
        s.add(
            Officer(
                username="p.natarajan",
                name="Priya Natarajan",
                role="manager",
                email="p.natarajan@larkspur-homes.example.org",
            )
        )
        s.add(Officer(username="d.osei", name="Dale Osei", role="manager"))


def cases(ws, clock: Clock) -> None:
    clock.set("2025-06-03T09:00:00+00:00")
    create_case(
        ws,
        ref="CMP-2025-0031",
        kind="complaint",
        officer="a.khan",
        resident_name="Mrs Jolanta Wiśniewska",
        address="Flat 2, 5 Elm Road\nCatford\nLondon SE6 1AA",
        vulnerabilities=["arthritis (resident)"],
    )
    svc.receive_complaint(
        ws,
        "CMP-2025-0031",
        at=dt.date(2025, 6, 2),
        channel="email",
        summary="Water has come through my kitchen ceiling for four weeks. Your plumber came "
        "three times and nobody ever called me back.",
        points=["The leak has not been repaired after three visits", "My calls were not returned"],
        about_officer="r.price",
    )
    clock.set("2025-06-12T09:00:00+00:00")
    for ref, acked in (("CMP-2025-0044", False), ("CMP-2025-0049", True)):
        create_case(
            ws,
            ref=ref,
            kind="complaint",
            officer="a.khan",
            resident_name="Mr Daniel Okoro",
            address="14 Birch Close\nLondon SE6 2BB",
        )
        svc.receive_complaint(
            ws,
            ref,
            at=dt.date(2025, 5, 12),
            channel="phone",
            summary="The fence panels you replaced in March are already falling down.",
            points=["Poor quality fence repair"],
        )
        svc.acknowledge(ws, ref, at=dt.date(2025, 5, 13), by="a.khan")
        svc.respond(
            ws,
            ref,
            at=dt.date(2025, 5, 27),
            by="a.khan",
            draft=draft(
                points=(("Poor quality fence repair", "not_upheld", "The panels met the standard"),)
            ),
        )
        svc.request_escalation(
            ws,
            ref,
            at=dt.date(2025, 6, 10),
            summary="You said the panels met the standard, but two blew down last week and "
            "my children cannot play in the garden.",
        )
        ws.actor = Actor("p.natarajan", "screens")
        svc.assign_handler(
            ws, ref, handler="d.osei", at=dt.date(2025, 6, 11), reason="Stage 2 review"
        )
        ws.actor = Actor("a.khan", "screens")
        if acked:
            svc.acknowledge(ws, ref, at=dt.date(2025, 6, 11), by="d.osei")
    clock.set("2025-06-20T15:00:00+00:00")
    create_case(
        ws,
        ref="ASB-2025-0107",
        kind="asb",
        officer="a.khan",
        resident_name="Mr Tomasz Nowak",
        address="Flat 9, Larkspur Court\nLondon SE6 3CC",
        vulnerabilities=["partially sighted (resident)"],
    )
    record_event(
        ws,
        "ASB-2025-0107",
        {
            "type": "asb_report",
            "at": "2025-06-16T10:00:00+01:00",
            "channel": "phone",
            "by": "resident",
            "risk_hint": "harassment",
            "summary": "Visitors to the flat above shout threats at me on the stairs most nights.",
        },
    )
    record_event(
        ws,
        "ASB-2025-0107",
        {
            "type": "risk_assessment",
            "at": "2025-06-17T10:00:00+01:00",
            "tier": "high",
            "by": "a.khan",
            "summary": "High risk: repeated threats",
        },
    )
    record_event(
        ws,
        "ASB-2025-0107",
        {
            "type": "action_plan_agreed",
            "at": "2025-06-18T11:00:00+01:00",
            "update_every_wd": 5,
            "summary": "Plan agreed at home",
            "actions": [
                {"text": "Fit a door viewer and a chain", "owner": "a.khan", "due": "2025-06-27"},
                {
                    "text": "Ask the police to patrol the block at night",
                    "owner": "a.khan",
                    "due": "2025-06-24",
                },
                {"text": "Keep a diary of incidents", "owner": "resident", "due": "2025-07-18"},
            ],
        },
    )
    record_event(
        ws,
        "ASB-2025-0107",
        {
            "type": "home_visit_request",
            "at": "2025-06-19T09:00:00+01:00",
            "reason": "harassment",
            "summary": "Asked for a visit",
        },
    )
    create_case(
        ws,
        ref="ASB-2025-0088",
        kind="asb",
        officer="a.khan",
        resident_name="Ms Grace Adeyemi",
        address="3 Fernbank Mews\nLondon SE6 4DD",
    )
    record_event(
        ws,
        "ASB-2025-0088",
        {
            "type": "asb_report",
            "at": "2025-05-06T10:00:00+01:00",
            "channel": "email",
            "by": "resident",
            "risk_hint": "nuisance",
            "summary": "Loud music from the flat next door after midnight.",
        },
    )
    record_event(
        ws,
        "ASB-2025-0088",
        {
            "type": "case_closed",
            "at": "2025-06-19T10:00:00+01:00",
            "outcome": "The tenant next door agreed to keep music down after 11pm and you have reported "
            "no noise for five weeks.",
        },
    )


RESPONSE = {
    "points": [
        {
            "point": "The leak has not been repaired after three visits",
            "decision": "upheld",
            "reasons": "Our plumber visited on 6, 13 and 20 May but did not find where the water was coming from, "
            "and nobody arranged a specialist. The leak was found and fixed on 11 June.",
        },
        {
            "point": "My calls were not returned",
            "decision": "partly_upheld",
            "reasons": "You called us four times. Two calls were returned within a day; the calls of 15 and 22 May "
            "were logged but never passed to the repairs team.",
        },
    ],
    "outstanding": [{"text": "Redecorate your kitchen ceiling", "due": "2025-07-04"}],
    "compensation": [
        {
            "head": "distress_inconvenience",
            "amount": "250",
            "reason": "Four weeks of water coming through your kitchen ceiling while we failed to find the leak.",
        },
        {
            "head": "time_trouble",
            "amount": "50",
            "reason": "You had to call us four times to chase the repair.",
        },
    ],
}
SECTIONS = {
    "complaint_ack_stage1": {},
    "response_stage1": {
        "apology": "I am sorry that it took us four weeks and three visits to find the leak, and "
        "that two of your calls went unanswered. You should not have had to chase us."
    },
    "apology": {
        "what_went_wrong": "- We did not find the leak in your kitchen for four weeks.\n"
        "- We did not return two of your calls.",
        "impact": "I understand that you could not use your kitchen properly, and that you felt ignored.",
        "putting_right": "We have fixed the leak, and we will redecorate your ceiling by 4 July.",
    },
}


def prepare(ws, clock: Clock) -> dict[str, str]:
    """A letter of every template, filled in as an officer would; returns template -> letter id."""
    ids = {}
    plan = [
        ("complaint_ack_stage1", "CMP-2025-0031", {}),
        (
            "extension_notice",
            "CMP-2025-0031",
            {
                "extension.new_due": "2025-06-27",
                "extension.reason": "We are waiting for the specialist's report on "
                "the pipework, which we asked for on 9 June.",
            },
        ),
        ("response_stage1", "CMP-2025-0031", RESPONSE),
        (
            "complaint_refusal",
            "CMP-2025-0031",
            {
                "refusal.reason": "The damage to your kitchen units happened in "
                "2022 and was not reported to us at the time."
            },
        ),
        ("apology", "CMP-2025-0031", {}),
        ("compensation_offer", "CMP-2025-0031", {"compensation": RESPONSE["compensation"]}),
        ("complaint_ack_stage2", "CMP-2025-0044", {}),
        (
            "response_stage2",
            "CMP-2025-0049",
            {
                "points": [
                    {
                        "point": "Poor quality fence repair",
                        "decision": "upheld",
                        "reasons": "Two panels blew down within three months. "
                        "The posts were not set in concrete.",
                    }
                ],
                "compensation": [
                    {"head": "time_trouble", "amount": "40", "reason": "You had to ask us twice."}
                ],
            },
        ),
        (
            "escalation_refusal",
            "CMP-2025-0044",
            {"refusal.reason": "The panels were replaced again on 9 June."},
        ),
        ("asb_acknowledgement", "ASB-2025-0107", {}),
        ("asb_action_plan", "ASB-2025-0107", {}),
        (
            "asb_home_visit",
            "ASB-2025-0107",
            {"visit.when": "Tuesday 24 June 2025 at 10am, at your home."},
        ),
        ("case_closure", "ASB-2025-0088", {}),
    ]
    clock.set("2025-06-20T15:30:00+00:00")
    for template, ref, inputs in plan:
        v = L.create_letter(ws, ref, template)
        v = L.save_letter(ws, v.id, inputs=inputs or None, sections=SECTIONS.get(template) or None)
        ids[template] = v.id
    return ids


def pages(ws, ids: dict[str, str]) -> None:
    PAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for template, letter_id in ids.items():
            pdf = Path(tmp) / f"{template}.pdf"
            pdf.write_bytes(L.get_letter(ws, letter_id).pdf(draft=False))
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(PAGES / template),
                ],
                check=True,
            )
            print(PAGES / f"{template}.png")


def shots(ws, clock: Clock, ids: dict[str, str]) -> None:
    from app.ui.letters.editor import LetterEditor
    from app.ui.letters.panel import LettersPanel, TemplatePicker
    from app.ui.letters.queue import ApprovalQueueDialog

    app = QApplication.instance() or QApplication([])
    SHOTS.mkdir(parents=True, exist_ok=True)

    def settle(editor) -> None:
        for _ in range(6):
            editor.preview.wait(10000)
            app.processEvents()

    ws.actor = Actor("a.khan", "screens")
    editor = LetterEditor(ws, ids["response_stage1"])
    editor.show()
    editor.sections_view.selectRow(3)
    settle(editor)
    editor.grab().save(str(SHOTS / "letter-editor.png"))
    editor.middle.setCurrentIndex(1)
    settle(editor)
    editor.grab().save(str(SHOTS / "letter-editor-details.png"))
    for c in editor.checklist.items:
        if not c.auto:
            editor.checks[c.key] = True
    editor._edited()
    editor.finalise()
    editor.close()
    ws.actor = Actor("p.natarajan", "screens")
    queue = ApprovalQueueDialog(ws)
    queue.show()
    app.processEvents()
    queue.grab().save(str(SHOTS / "letter-approval-queue.png"))
    review = queue.review()
    settle(review)
    review.grab().save(str(SHOTS / "letter-review.png"))
    review.close()
    from app.letters.issue import issue_letter

    ws.actor = Actor("a.khan", "screens")
    ack = L.get_letter(ws, ids["complaint_ack_stage1"])
    ack = L.save_letter(ws, ack.id, checks={c.key: True for c in ack.template.checks if not c.auto})
    issue_letter(ws, L.finalise_letter(ws, ack.id).id)
    panel = LettersPanel(ws)
    panel.resize(1100, 420)
    panel.load(get_case(ws, "CMP-2025-0031"))
    panel.show()
    app.processEvents()
    panel.grab().save(str(SHOTS / "letters-panel.png"))
    picker = TemplatePicker(L.available_templates(ws, "CMP-2025-0031"))
    picker.show()
    app.processEvents()
    picker.grab().save(str(SHOTS / "letter-template-picker.png"))


def main() -> None:
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(
            Path(tmp) / "letters.sqlite", actor=Actor("a.khan", "screens"), clock=clock
        )
        office(ws)
        cases(ws, clock)
        ids = prepare(ws, clock)
        pages(ws, ids)
        if "--keep" in sys.argv:
            for t, i in ids.items():
                Path(f"/tmp/lt/{t}.pdf").write_bytes(L.get_letter(ws, i).pdf(draft=False))
        if "--pages-only" not in sys.argv:
            shots(ws, clock, ids)
        ws.close()


if __name__ == "__main__":
    main()
