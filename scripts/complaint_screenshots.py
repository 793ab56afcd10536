"""Screenshots of the complaint panel and its dialogs, with demo-like cases loaded.

Run under a display (e.g. ``xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python
scripts/complaint_screenshots.py``); PNGs go to docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services import complaints as svc  # noqa: E402
from app.services.bundles import import_bundle  # noqa: E402
from app.services.cases import create_case, get_case, record_event  # noqa: E402
from app.services.workspace import Actor, open_workspace  # noqa: E402
from app.ui.complaints import ComplaintPanel  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
NOW = dt.datetime(2025, 6, 24, 10, 0, tzinfo=dt.UTC)
LONDON = dt.timezone(dt.timedelta(hours=1))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def build(ws) -> None:
    import_bundle(ws, json.loads((ROOT / "resources" / "demo" / "seed-001.json").read_text()))
    create_case(
        ws,
        ref="CMP-2025-0031",
        kind="complaint",
        officer="g.oduya",
        resident_name="Mr Tomás Ferreira",
        opened=dt.date(2025, 6, 9),
        vulnerabilities=["hearing impairment"],
    )
    record_event(
        ws,
        "CMP-2025-0031",
        {
            "type": "contact",
            "at": "2025-06-09T09:10:00+01:00",
            "channel": "phone",
            "direction": "in",
            "by": "resident",
            "summary": "Unhappy the leak in the bathroom ceiling is still not fixed",
            "dissatisfaction": True,
        },
    )
    contact = get_case(ws, "CMP-2025-0031").events[0].id
    svc.offer_complaint(
        ws,
        "CMP-2025-0031",
        contact,
        accepted=True,
        at=at("2025-06-09T09:30"),
        summary="Leak from the flat above not repaired after three visits",
        about_officer="e.fraser",
        handler="g.oduya",
        points=["Repair not completed after three visits", "Calls not returned by the surveyor"],
    )
    svc.acknowledge(ws, "CMP-2025-0031", by="g.oduya", at=at("2025-06-10T11:00"))
    record_event(
        ws,
        "CMP-2025-0031",
        {
            "type": "contact",
            "at": "2025-06-17T10:00:00+01:00",
            "channel": "phone",
            "direction": "in",
            "by": "resident",
            "summary": "Second resident unhappy about the noise from the works",
            "dissatisfaction": True,
        },
    )


def build_escalated(ws) -> None:
    from app.domain.complaint_response import PointDecision, ResponseDraft

    create_case(
        ws,
        ref="CMP-2025-0024",
        kind="complaint",
        officer="a.khan",
        resident_name="Ms Łucja Nowak",
        opened=dt.date(2025, 5, 12),
    )
    svc.receive_complaint(
        ws,
        "CMP-2025-0024",
        at=at("2025-05-12T10:00"),
        channel="email",
        summary="Damp and mould in the bedroom; surveyor's visit cancelled twice",
        handler="a.khan",
        points=["Damp not treated"],
    )
    svc.acknowledge(ws, "CMP-2025-0024", by="a.khan", at=at("2025-05-13T10:00"))
    svc.respond(
        ws,
        "CMP-2025-0024",
        by="a.khan",
        at=at("2025-05-27T15:00"),
        draft=ResponseDraft(
            points=(PointDecision("Damp not treated", "upheld", "Two cancelled visits"),),
            apology=True,
            remedy="Mould wash within 10 days; £100 for time and trouble",
            escalation="Ask us to escalate to stage 2, or contact the Housing Ombudsman.",
            compensation=(("time_trouble", 100),),
        ),
    )
    svc.request_escalation(
        ws, "CMP-2025-0024", at=at("2025-06-13T18:00"), summary="The mould has come back"
    )


def shoot(widget, name: str, app: QApplication) -> None:
    widget.show()
    for _ in range(5):
        app.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(
            Path(tmp) / "shots.sqlite", actor=Actor("g.oduya", "laptop"), clock=lambda: NOW
        )
        build(ws)
        build_escalated(ws)
        panel = ComplaintPanel(ws)
        panel.resize(1180, 820)
        panel.load(get_case(ws, "HX-0001"))
        panel.tabs.setCurrentIndex(1)
        shoot(panel, "complaint-panel-seed001", app)
        panel.tabs.setCurrentIndex(3)
        shoot(panel, "complaint-panel-findings", app)

        panel.load(get_case(ws, "CMP-2025-0031"))
        panel.tabs.setCurrentIndex(0)
        shoot(panel, "complaint-panel-stage1", app)

        respond = panel.open_action("respond")
        respond.resize(880, 900)
        rows = respond.point_rows
        rows[0][1].setCurrentIndex(1)
        rows[0][2].setText("Three visits without a fix; the leak source was not traced")
        respond.remedy.setPlainText("£150 for distress and inconvenience; repair by 4 July")
        respond.add_action("Trace and repair the leak from the flat above", dt.date(2025, 7, 4))
        respond.refresh_checklist()
        shoot(respond, "complaint-respond-dialog", app)
        respond.reject()

        extend = panel.open_action("extend")
        shoot(extend, "complaint-extend-dialog", app)
        extend.reject()

        panel.load(get_case(ws, "HX-0001"))
        comp = panel.open_action("compensation")
        rows = comp.rows
        rows["distress_inconvenience"]["use"].setChecked(True)
        rows["distress_inconvenience"]["severity"].setCurrentIndex(2)
        rows["distress_inconvenience"]["months"].setValue(17)
        rows["distress_inconvenience"]["note"].setText("the handling of the ASB reports")
        rows["complaint_handling"]["use"].setChecked(True)
        rows["complaint_handling"]["severity"].setCurrentIndex(1)
        rows["complaint_handling"]["months"].setValue(5)
        comp.suggest()
        shoot(comp, "complaint-compensation-calculator", app)
        comp.reject()

        order = panel.open_action("ombudsman_compliance")
        shoot(order, "complaint-ombudsman-compliance", app)
        order.reject()
        order = panel.open_action("ombudsman_order")
        shoot(order, "complaint-ombudsman-order", app)
        order.reject()

        panel.load(get_case(ws, "CMP-2025-0024"))
        panel.tabs.setCurrentIndex(4)
        shoot(panel, "complaint-panel-escalation-pending", app)
        refuse = panel.open_action("refuse_escalation")
        shoot(refuse, "complaint-refuse-escalation-dialog", app)
        refuse.reject()

        log = panel.open_receive()
        log.fields["summary"].setPlainText("Noise complaint from 2023")
        log.fields["has_matter"].setChecked(True)
        log.fields["matter_date"].setDate(log.fields["matter_date"].date().addYears(-2))
        log.accept()  # refused: the 12-month rule asks for a reason
        shoot(log, "complaint-log-dialog-12-month-rule", app)
        log.reject()
        ws.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
