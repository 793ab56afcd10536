"""Awaab's Law hazard rules as policy data (DOMAIN_RULES.md §6).

Which hazards are in scope, in which categories, and every timescale come from the
policy's ``[hazards]`` table, so the 2026 and 2027 phases (more hazards made
"significant") need only a policy change. A policy version saved before the table
existed reads the phase 1 rules below: the law applies whatever the file says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from app.domain.policy_schema import Table

CATEGORIES = ("emergency", "significant")

# The 29 HHSRS hazards (Housing Health and Safety Rating System), with the words shown to people.
HHSRS_HAZARDS: Mapping[str, str] = MappingProxyType(
    {
        "damp_mould": "Damp and mould growth",
        "excess_cold": "Excess cold",
        "excess_heat": "Excess heat",
        "asbestos_mmf": "Asbestos and manufactured mineral fibres",
        "biocides": "Biocides",
        "carbon_monoxide": "Carbon monoxide and fuel combustion products",
        "lead": "Lead",
        "radiation": "Radiation",
        "uncombusted_fuel_gas": "Uncombusted fuel gas",
        "volatile_organic_compounds": "Volatile organic compounds",
        "crowding_space": "Crowding and space",
        "entry_by_intruders": "Entry by intruders",
        "lighting": "Lighting",
        "noise": "Noise",
        "domestic_hygiene": "Domestic hygiene, pests and refuse",
        "food_safety": "Food safety",
        "personal_hygiene": "Personal hygiene, sanitation and drainage",
        "water_supply": "Water supply",
        "falls_baths": "Falls associated with baths",
        "falls_level_surfaces": "Falls on level surfaces",
        "falls_stairs": "Falls on stairs",
        "falls_between_levels": "Falls between levels",
        "electrical": "Electrical hazards",
        "fire": "Fire",
        "flames_hot_surfaces": "Flames and hot surfaces",
        "collision_entrapment": "Collision and entrapment",
        "explosions": "Explosions",
        "ergonomics": "Position and operability of amenities",
        "structural_collapse": "Structural collapse and falling elements",
    }
)

# Phase 1 (in force 27 October 2025): every HHSRS hazard posing imminent significant harm is an
# emergency; damp and mould is also in scope as a significant hazard.
PHASE_1: dict = {
    "in_force": dt.date(2025, 10, 27),
    "emergency": {"investigate_hours": 24, "make_safe_hours": 24},
    "significant": {
        "investigate_wd": 10,
        "summary_wd": 3,
        "make_safe_wd": 5,
        "works_start_wd": 5,
        "works_start_weeks": 12,
    },
    "types": {
        name: {
            "name": words,
            "categories": ["emergency", "significant"] if name == "damp_mould" else ["emergency"],
        }
        for name, words in HHSRS_HAZARDS.items()
    },
}


@dataclass(frozen=True)
class HazardType:
    key: str
    name: str
    categories: frozenset[str]


@dataclass(frozen=True)
class HazardRules:
    in_force: dt.date  # reports before this London date start no Awaab's Law clocks
    investigate_hours: int  # emergency: from the report
    make_safe_hours: int  # emergency: from the investigation
    investigate_wd: int  # significant: from the report
    summary_wd: int  # significant: written summary after the investigation
    make_safe_wd: int  # significant: safety work after the investigation
    works_start_wd: int  # significant: preventative works started after the investigation…
    works_start_weeks: int  # …or else physically started within this many weeks
    types: Mapping[str, HazardType]

    def in_scope(self, hazard: str, category: str) -> bool:
        kind = self.types.get(hazard)
        return kind is not None and category in kind.categories

    def name_of(self, hazard: str) -> str:
        kind = self.types.get(hazard)
        return kind.name if kind else hazard.replace("_", " ")


def _one_date(table: Table, name: str) -> dt.date | None:
    value = table._get(name, False)
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    table.fail(name, f"must be a date (YYYY-MM-DD), got {value!r}")


def parse_hazards(table: Table | None) -> HazardRules:
    """``[hazards]`` of a policy document, or the phase 1 rules when the table is absent."""
    if table is None:
        table = Table("phase 1 rules", "hazards", PHASE_1)
    in_force = _one_date(table, "in_force") or PHASE_1["in_force"]
    emergency = table.table("emergency")
    significant = table.table("significant")
    assert emergency is not None and significant is not None
    hours = {
        k: emergency.whole(k, low=1, high=720) for k in ("investigate_hours", "make_safe_hours")
    }
    emergency.done()
    wd = {
        k: significant.whole(k, low=1, high=120)
        for k in ("investigate_wd", "summary_wd", "make_safe_wd", "works_start_wd")
    }
    weeks = significant.whole("works_start_weeks", low=1, high=104)
    significant.done()
    types_table = table.table("types")
    assert types_table is not None
    types: dict[str, HazardType] = {}
    for key in types_table.data:
        entry = types_table.table(key)
        assert entry is not None
        name = entry.text("name")
        categories = entry.texts("categories")
        for i, category in enumerate(categories):
            if category not in CATEGORIES:
                entry.fail(
                    f"categories[{i}]",
                    f"must be one of {', '.join(CATEGORIES)}; got {category!r}",
                )
        if not categories:
            entry.fail("categories", "must name at least one category")
        entry.done()
        types[key] = HazardType(key, str(name), frozenset(categories))
    types_table.done()
    if not types:
        table.fail("types", "must name at least one hazard")
    table.done()
    return HazardRules(
        in_force=in_force,
        investigate_hours=int(hours["investigate_hours"] or 0),
        make_safe_hours=int(hours["make_safe_hours"] or 0),
        investigate_wd=int(wd["investigate_wd"] or 0),
        summary_wd=int(wd["summary_wd"] or 0),
        make_safe_wd=int(wd["make_safe_wd"] or 0),
        works_start_wd=int(wd["works_start_wd"] or 0),
        works_start_weeks=int(weeks or 0),
        types=MappingProxyType(types),
    )
