"""Contact standards (DOMAIN_RULES.md §5, §2): replies, callbacks, the complaint offer."""

from __future__ import annotations

from app.domain.deadlines.model import Deadline
from app.domain.deadlines.timeline import Timeline, fmt
from app.domain.events import Event
from app.domain.payloads import ContactFields, fields_of, typed

CALLBACK_CHANNELS = frozenset({"phone", "visit", "in_person"})


def is_callback(e: Event) -> bool:
    """An outbound call, visit or in-person contact returns a callback."""
    if e.type == "home_visit":
        return True
    if e.type != "contact":
        return False
    f = fields_of(e, ContactFields)
    return f["direction"] == "out" and f["channel"] in CALLBACK_CHANNELS


def _reply_to(tl: Timeline, message: Event) -> Event | None:
    """The first contact with the resident that answers the message (DOMAIN_RULES.md §9)."""
    return tl.first_after(message, Event.is_resident_contact, key="resident_contact")


def contact_deadlines(tl: Timeline) -> list[Deadline]:
    out: list[Deadline] = []
    for e, f in typed(tl.events, ContactFields):
        policy = tl.policy_at(e)
        cal = policy.calendar
        channel_word = f["channel"].replace("_", " ")
        if f["dissatisfaction"]:
            wd = policy.dissatisfaction_offer_wd
            out.append(
                tl.deadline(
                    kind="dissatisfaction_offer",
                    key=f"dissatisfaction_offer:{e.id}",
                    label="Offer a formal complaint",
                    trigger=e,
                    due=cal.add_working_days(e.day, wd),
                    policy=policy,
                    met=lambda x: x.type in ("complaint_offered", "complaint_received"),
                    met_types=("complaint_offered", "complaint_received"),
                    detail=f"Dissatisfaction expressed ({channel_word}) on {fmt(e.day)}: "
                    f"a formal complaint must be offered within {wd} WD",
                )
            )
        if f["callback_requested"]:
            wd = policy.callback_wd
            out.append(
                tl.deadline(
                    kind="callback",
                    key=f"callback:{e.id}",
                    label="Call back",
                    trigger=e,
                    due=cal.add_working_days(e.day, wd),
                    policy=policy,
                    met=is_callback,
                    met_key="callback",
                    detail=f"Call back requested on {fmt(e.day)}, due within {wd} WD "
                    "(met by an outbound call, visit or in-person contact)",
                )
            )
        if f["direction"] == "in":
            wd = policy.reply_wd(f["channel"], f["topic"])
            if wd is not None:
                what = "repair email" if f["topic"] == "repair" else channel_word
                out.append(
                    tl.deadline(
                        kind="reply",
                        key=f"reply:{e.id}",
                        label=f"Reply to {what}",
                        trigger=e,
                        due=cal.add_working_days(e.day, wd),
                        policy=policy,
                        met_event=_reply_to(tl, e),
                        detail=f"Resident's {what} of {fmt(e.day)} needs a reply within {wd} WD",
                    )
                )
    return out
