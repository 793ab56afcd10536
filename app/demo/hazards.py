"""Demo histories of hazards under Awaab's Law (DOMAIN_RULES.md §6): damp and mould reported,
investigated, summarised in writing, made safe and put right — on time, nearly due, late, or
finished with the case closed. Built like the other histories (``app.demo.histories``)."""

from __future__ import annotations

import datetime as dt

from app.demo.story import Story
from app.domain.hazards import PHASE_1

IN_FORCE: dt.date = PHASE_1["in_force"]
# Working days of the default policy's significant-hazard clocks.
INVESTIGATE, SUMMARY, SAFE, WORKS = 10, 3, 5, 5

REPORTS = [
    ("back bedroom", "Black mould spreading on the bedroom wall; the baby sleeps in there"),
    ("bathroom", "Mould round the bathroom window and ceiling, smells damp"),
    ("kitchen", "Damp patch by the kitchen window, mould behind the cupboards"),
    ("living room", "Water coming through the living room ceiling when it rains; mould growing"),
]
FINDINGS = [
    "Condensation mould: extractor fan broken and trickle vents painted shut",
    "Penetrating damp from a cracked gutter; mould on two walls",
    "Rising damp at the base of the wall; plaster blown; mould behind furniture",
]
WORKS_DONE = [
    "Extractor fan replaced, vents cleared, walls treated",
    "Gutter repaired, walls dried out and treated",
    "Damp-proof course injected, wall re-plastered",
]
STATES = {
    "ontime": ["investigating", "works_running"],
    "at_risk": ["investigation_due", "summary_due"],
    # the Ombudsman's classic failure first: investigated late, then nothing for months
    "breach": ["neglected", "summary_and_safety_late"],
    "closed": ["done"],
}


def hazard(s: Story) -> str:
    """One damp and mould report and what followed; returns the variant built."""
    state = s.pick(STATES[s.scenario])
    if state == "neglected" and s.back(95) < IN_FORCE:
        state = "summary_and_safety_late"  # the law did not apply that long ago
    rng = s.rng
    where, words = rng.choice(REPORTS)
    if state == "investigating" or state == "investigation_due":
        start = s.wd(s.due(), -INVESTIGATE)
    elif state == "summary_due":
        start = s.wd(s.wd(s.due(), -SUMMARY), -rng.randint(2, 6))
    elif state == "summary_and_safety_late":
        start = s.wd(s.wd(s.due(), -SAFE), -rng.randint(2, 6))
    elif state == "neglected":
        start = s.back(rng.randint(80, 90))
    elif state == "works_running":
        start = s.back(rng.randint(12, 30))
    else:  # done, closed
        start = s.back(rng.randint(25, 60))
    inbound = s.contact(start, "in", "phone", words, minute=s.early(), topic="repair")
    report = s.add(
        start,
        "hazard_reported",
        f"Damp and mould reported ({where})",
        after=inbound,
        hazard="damp_mould",
        category="significant",
        channel="phone",
        by="resident",
        location=where,
    )
    s.vuln_plan(min(s.wd(start, rng.randint(0, 2)), s.back(1)), after=report)
    s.contact(
        start,
        "out",
        "phone",
        "Called back: inspection booked, advice on ventilation given",
        after=report,
        answers=inbound,
        topic="repair",
    )
    if state in ("investigating", "investigation_due"):
        return state
    if state == "neglected":
        investigated = s.wd(start, INVESTIGATE + rng.randint(2, 4))
    elif state == "summary_due":
        investigated = s.wd(s.due(), -SUMMARY)
    elif state == "summary_and_safety_late":
        investigated = s.wd(s.due(), -SAFE)
    else:
        investigated = s.wd(start, rng.randint(2, 8))
    inv = s.add(
        investigated,
        "hazard_investigated",
        "Surveyor inspected",
        answers=report,
        by=s.officer,
        category="significant",
        finding=rng.choice(FINDINGS),
    )
    if state in ("summary_and_safety_late", "neglected"):
        return state  # no summary, not made safe, no works
    if state == "summary_due":
        s.add(investigated, "hazard_made_safe", "Mould washed, room safe to use", after=inv,
              answers=report, by=s.officer)  # fmt: skip
        return state
    s.add(
        s.wd(investigated, rng.randint(0, SUMMARY)),
        "hazard_summary_sent",
        "Written summary of the inspection sent",
        answers=report,
        channel="letter",
    )
    s.add(
        s.wd(investigated, rng.randint(0, SAFE)),
        "hazard_made_safe",
        "Mould washed, room safe to use",
        answers=report,
        by=s.officer,
    )
    job = rng.choice(WORKS_DONE)
    began = s.wd(investigated, rng.randint(1, WORKS))
    s.add(began, "hazard_works_started", f"Works started: {job.lower()}", answers=report, job=job)
    if state == "done":
        s.add(
            min(s.wd(began, rng.randint(1, 6)), s.back(1) if s.closing else s.today),
            "hazard_works_done",
            f"Works finished: {job.lower()}",
            answers=report,
            job=job,
        )
    return state
