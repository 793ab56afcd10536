"""Policy files: the shipped policies load, bad documents are refused precisely, versions."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from app.domain.policy import PolicyHistory, parse_policy, parse_policy_text
from app.domain.policy_schema import PolicyError
from tests.domain.helpers import (
    POLICY_DIR,
    E,
    deadline,
    deadlines,
    inbound,
    policy_doc,
    resolve,
    shipped,
    variant,
)

D = dt.date.fromisoformat


def file_resolver(name):
    with open(POLICY_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


# -- the shipped policies ---------------------------------------------------------------


def test_code_2024_loads():
    p = shipped("code-2024")
    assert p.ref == "code-2024@3"
    assert p.region == "ENG"
    assert p.closure_days == ()
    assert p.first_stage == 1
    assert [s.number for s in p.stages] == [1, 2]
    s1, s2 = p.stage(1), p.stage(2)
    assert (s1.ack_wd, s1.response_wd, s1.response_from, s1.extension_max_wd) == (5, 10, "ack", 10)
    assert (s2.ack_wd, s2.response_wd, s2.response_from, s2.extension_max_wd) == (5, 20, "ack", 20)
    assert p.callback_wd == 5
    assert p.reply_wd("email", "repair") == 3
    assert p.reply_wd("email", "general") == 5
    assert p.reply_wd("email", None) == 5
    assert p.reply_wd("letter", None) == 10
    assert p.reply_wd("phone", None) is None
    assert p.tiers["high"].action_wd == 1
    assert p.tiers["medium"].action_wd == 3
    assert p.tiers["low"].action_wd == 5
    assert [p.tiers[t].update_every_wd for t in ("high", "medium", "low")] == [10, 15, 20]
    assert p.hint_tiers["threat"] == "high"
    assert p.hint_tiers["nuisance"] == "medium"
    assert p.hint_tiers["none"] == "low"
    assert p.decisions["transfer"] == 20
    assert p.decisions["policy_copy"] == 10
    assert p.visit_urgent_wd == 1 and p.visit_default_wd == 5
    assert p.visit_urgent_reasons == {"harassment", "domestic_violence"}
    assert p.partner_chase_wd == 10
    assert "complaint_response" not in p.pausable
    assert {"repair", "reply"} <= p.pausable
    assert p.ombudsman.phone == "0300 111 3000"
    assert p.ombudsman.address == ("PO Box 152", "Liverpool", "L33 7WQ")


def test_hexagon_4_stage_loads_through_extends():
    p = parse_policy(policy_doc("hexagon-4-stage"), "hexagon-4-stage.toml", resolve)
    assert p.ref == "hexagon-4-stage@1"
    assert p.first_stage == 0
    assert [s.number for s in p.stages] == [0, 1, 2, 3]
    s0, s1, s2, s3 = (p.stage(n) for n in range(4))
    assert s0.ack_wd is None and s0.response_wd is None
    assert s1.response_wd == 15 and s1.response_from == "receipt" and s1.ack_wd is None
    assert s2.request_window_days == 30 and s2.response_wd == 15
    assert s3.request_window_days == 30
    assert s3.response_wd is None
    assert p.next_stage(1) is s2
    assert p.next_stage(3) is None
    # Everything else is inherited from code-2024.
    code = shipped("code-2024")
    assert dict(p.tiers) == dict(code.tiers)
    assert dict(p.hint_tiers) == dict(code.hint_tiers)
    assert p.callback_wd == code.callback_wd
    assert p.ombudsman == code.ombudsman
    assert p.complaint_definition != code.complaint_definition


def test_hexagon_loads_with_a_file_resolver():
    p = parse_policy(file_resolver("hexagon-4-stage"), "hexagon-4-stage.toml", file_resolver)
    assert p.ref == "hexagon-4-stage@1"


def test_parse_policy_text_reads_the_shipped_file():
    text = (POLICY_DIR / "code-2024.toml").read_text(encoding="utf-8")
    assert parse_policy_text(text, "code-2024.toml").ref == "code-2024@3"


def test_policy_calendar_is_the_shared_region_calendar():
    p = shipped()
    assert p.calendar.add_working_days(D("2025-12-19"), 5) == D("2025-12-30")


# -- bad documents ---------------------------------------------------------------------------


def refused(doc, source="bad.toml", resolver=resolve) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        parse_policy(doc, source, resolver)
    return info.value


def assert_names(err: PolicyError, key: str, problem: str, source: str = "bad.toml"):
    message = str(err)
    assert err.source == source
    assert err.key == key
    assert source in message
    assert key in message
    assert problem in message


def test_missing_key():
    doc = policy_doc()
    del doc["contact"]["callback_wd"]
    err = refused(doc)
    assert_names(err, "contact.callback_wd", "is missing")
    assert str(err) == "bad.toml: contact.callback_wd: is missing"


def test_missing_table():
    doc = policy_doc()
    del doc["asb"]
    assert_names(refused(doc), "asb", "is missing")


def test_negative_working_days_in_a_stage():
    doc = policy_doc()
    doc["complaints"]["stages"][1]["response_wd"] = -5
    assert_names(refused(doc), "complaints.stages[1].response_wd", "must be between 1 and 250")


def test_negative_working_days_in_a_tier():
    doc = policy_doc()
    doc["asb"]["tiers"]["high"]["action_wd"] = -1
    assert_names(refused(doc), "asb.tiers.high.action_wd", "-1")


def test_wrong_type():
    doc = policy_doc()
    doc["contact"]["callback_wd"] = "five"
    assert_names(refused(doc), "contact.callback_wd", "must be a whole number")


def test_boolean_is_not_a_number():
    doc = policy_doc()
    doc["partners"]["chase_wd"] = True
    assert_names(refused(doc), "partners.chase_wd", "must be a whole number")


def test_fractional_working_days_are_refused():
    doc = policy_doc()
    doc["home_visit"]["default_wd"] = 2.5
    assert_names(refused(doc), "home_visit.default_wd", "must be a whole number")


def test_unknown_key_is_a_typo():
    doc = policy_doc()
    doc["contact"]["calback_wd"] = 5
    assert_names(refused(doc), "contact.calback_wd", "is not a known policy key")


def test_unknown_key_in_a_stage():
    doc = policy_doc()
    doc["complaints"]["stages"][0]["ack_days"] = 5
    assert_names(refused(doc), "complaints.stages[0].ack_days", "check the spelling")


def test_unknown_top_level_key():
    doc = policy_doc()
    doc["contcat"] = {"callback_wd": 5}
    assert_names(refused(doc), "contcat", "is not a known policy key")


def test_bad_enum_region():
    doc = policy_doc()
    doc["calendar"]["region"] = "FRA"
    assert_names(refused(doc), "calendar.region", "must be one of ENG, WLS, SCT, NIR")


def test_bad_enum_response_from():
    doc = policy_doc()
    doc["complaints"]["stages"][0]["response_from"] = "sent"
    assert_names(refused(doc), "complaints.stages[0].response_from", "must be one of ack, receipt")


def test_bad_enum_hint_tier():
    doc = policy_doc()
    doc["asb"]["hint_tiers"]["nuisance"] = "severe"
    assert_names(refused(doc), "asb.hint_tiers.nuisance", "must be one of high, medium, low")


def test_bad_pausable_kind():
    doc = policy_doc()
    doc["holds"]["pausable"] = ["repair", "complaint_response"]
    assert_names(refused(doc), "holds.pausable[1]", "complaint_response")


def test_invalid_toml():
    with pytest.raises(PolicyError) as info:
        parse_policy_text('name = "x"\nversion = = 3\n', "broken.toml", resolve)
    err = info.value
    assert err.source == "broken.toml"
    assert "broken.toml" in str(err)
    assert "is not valid TOML" in str(err)
    assert "line 2" in str(err)


def test_duplicate_stage_numbers():
    doc = policy_doc()
    doc["complaints"]["stages"][1]["number"] = 1
    err = refused(doc)
    assert_names(err, "complaints.stages", "must be unique and ascending")
    assert "[1, 1]" in str(err)


def test_stages_out_of_order():
    doc = policy_doc()
    doc["complaints"]["stages"].reverse()
    assert_names(refused(doc), "complaints.stages", "must be unique and ascending")


def test_first_stage_not_among_the_stages():
    doc = policy_doc()
    doc["complaints"]["first_stage"] = 3
    err = refused(doc)
    assert_names(err, "complaints.first_stage", "must be one of the stage numbers [1, 2]")


def test_extends_an_unknown_policy():
    doc = policy_doc("hexagon-4-stage")
    doc["extends"] = "code-2019"
    assert_names(refused(doc), "extends", "names an unknown policy 'code-2019'")


def test_extends_an_unknown_policy_with_a_file_resolver():
    doc = policy_doc("hexagon-4-stage")
    doc["extends"] = "code-2019"
    err = refused(doc, resolver=file_resolver)
    assert_names(err, "extends", "unknown policy 'code-2019'")


def test_extends_without_a_resolver():
    assert_names(refused(policy_doc("hexagon-4-stage"), resolver=None), "extends", "cannot extend")


def test_closure_day_not_a_date():
    doc = policy_doc()
    doc["calendar"]["closure_days"] = ["2025-12-24", "2025-13-01"]
    assert_names(refused(doc), "calendar.closure_days[1]", "is not a valid date")


def test_closure_day_of_the_wrong_type():
    doc = policy_doc()
    doc["calendar"]["closure_days"] = [20251224]
    assert_names(refused(doc), "calendar.closure_days[0]", "must be a date")


def test_closure_day_datetime_is_not_a_date():
    text = (POLICY_DIR / "code-2024.toml").read_text(encoding="utf-8")
    text = text.replace("closure_days = []", "closure_days = [2025-12-24T09:00:00]")
    with pytest.raises(PolicyError) as info:
        parse_policy_text(text, "dt.toml")
    assert_names(info.value, "calendar.closure_days[0]", "must be a date", source="dt.toml")


def test_compensation_band_max_below_min():
    doc = policy_doc()
    doc["compensation"]["bands"][0]["max"] = -1
    err = refused(doc)
    assert err.key.startswith("compensation.bands[0].")


def test_bad_error_in_a_child_names_the_child_file():
    doc = policy_doc("hexagon-4-stage")
    doc["complaints"]["stages"][1]["response_wd"] = 0
    err = refused(doc, source="hexagon-4-stage.toml")
    assert_names(err, "complaints.stages[1].response_wd", "between 1", "hexagon-4-stage.toml")


# -- closure days and versions -------------------------------------------------------------------


def test_closure_days_in_a_policy_change_the_calendar():
    text = (POLICY_DIR / "code-2024.toml").read_text(encoding="utf-8")
    text = text.replace("closure_days = []", 'closure_days = [2025-12-24, "2025-12-29"]')
    p = parse_policy_text(text, "closures.toml")
    assert p.closure_days == (D("2025-12-24"), D("2025-12-29"))
    assert not p.calendar.is_working_day(D("2025-12-24"))
    assert p.calendar.holiday_name(D("2025-12-29")) == "Organisation closure day"
    assert p.calendar.add_working_days(D("2025-12-19"), 5) == D("2026-01-02")
    # ... and so the deadlines the engine derives.
    raws = [inbound("c1", "2025-12-19T10:00", "email")]
    assert deadline(deadlines(raws, policy=p), "reply:c1").due == D("2026-01-02")
    assert deadline(deadlines(raws), "reply:c1").due == D("2025-12-30")


def test_region_in_a_policy_changes_the_calendar():
    p = variant(7, **{"calendar.region": "SCT"})
    raws = [inbound("c1", "2025-12-31T10:00", "email")]
    # Scotland: 1 and 2 Jan are holidays -> 5 WD after Wed 31 Dec is Fri 9 Jan;
    # England only loses 1 Jan -> Thu 8 Jan.
    assert deadline(deadlines(raws, policy=p), "reply:c1").due == D("2026-01-09")
    assert deadline(deadlines(raws), "reply:c1").due == D("2026-01-08")


def test_policy_history_picks_the_version_in_force():
    v3 = shipped()
    v4 = variant(4, **{"contact.callback_wd": 3})
    v5 = variant(5, **{"contact.callback_wd": 2})
    t4 = dt.datetime(2025, 6, 10, tzinfo=dt.UTC)
    t5 = dt.datetime(2025, 9, 1, tzinfo=dt.UTC)
    h = PolicyHistory([(t5, v5), (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), v3), (t4, v4)])
    assert h.at(dt.datetime(2025, 6, 9, 23, 59, tzinfo=dt.UTC)) is v3
    assert h.at(t4) is v4  # in force from the instant it takes effect
    assert h.at(dt.datetime(2025, 8, 31, tzinfo=dt.UTC)) is v4
    assert h.at(t5) is v5
    assert h.at(dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) is v5
    assert h.at(dt.datetime(1990, 1, 1, tzinfo=dt.UTC)) is v3  # before any: the first
    assert h.current is v5
    assert h.name == "code-2024"


def test_policy_history_needs_a_version():
    with pytest.raises(ValueError):
        PolicyHistory([])


def test_single_history():
    p = shipped()
    assert PolicyHistory.single(p).at(dt.datetime(2025, 1, 1, tzinfo=dt.UTC)) is p


def test_event_helper_defaults_are_valid():
    # Guard for the helper the engine tests rely on.
    assert E("x", "2025-06-02", "case_closed")["outcome"]


# -- late entries ([trail]) ---------------------------------------------------------------


def test_late_entry_days_come_from_the_policy_and_hexagon_inherits_them():
    assert shipped("code-2024").late_entry_days == 2
    assert shipped("hexagon-4-stage").late_entry_days == 2


def test_a_policy_saved_before_the_trail_table_existed_still_loads():
    doc = policy_doc()
    del doc["trail"]
    assert parse_policy(doc, "old.toml").late_entry_days == 2


@pytest.mark.parametrize(
    "value, problem",
    [(-1, "must be between 0 and 365"), ("two", "must be a whole number"), (True, "whole number")],
)
def test_a_bad_late_entry_days_is_refused(value, problem):
    doc = policy_doc()
    doc["trail"]["late_entry_days"] = value
    assert_names(refused(doc), "trail.late_entry_days", problem)


def test_an_unknown_trail_key_is_a_typo():
    doc = policy_doc()
    doc["trail"]["late_days"] = 3
    assert_names(refused(doc), "trail.late_days", "is not a known policy key")
