"""The template library (``resources/letters/*.toml``), validated when it is loaded.

A template is a list of sections, each with its default text (merge fields
allowed), the officer's guidance (what good looks like, an example; shown beside
the editor, never printed), a checklist that must be complete before the letter
can be finalised, the structured inputs the editor asks for, and what issuing
it records on the case.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.letters.fields import FIELDS
from app.letters.merge import fields_in

GROUPS = ("complaint", "asb", "general")
# What issuing a template records (and which service records it).
ISSUES = (
    "complaint_ack",
    "extension_notice",
    "complaint_response",
    "complaint_refused",
    "escalation_refused",
    "hazard_summary",
    "contact",
)
STAGES = ("first", "later", "")
REQUIRES = (
    "",
    "complaint",
    "asb_report",
    "action_plan_agreed",
    "home_visit_request",
    "case_closed",
    "hazard_investigated",
    "request_decided",
    "arrears_check",
)
INPUTS = (
    "points",
    "outstanding",
    "compensation",
    "extension",
    "refusal",
    "visit",
    "works",
    "promise",
)
AUTO_RULES = ("response", "compensation_reasons", "extension_window")  # besides uses:/input:
INPUT_FIELDS = {
    "extension": ("extension.new_due", "extension.reason"),
    "refusal": ("refusal.reason",),
    "visit": ("visit.when",),
    "works": ("works.schedule",),
    # A date agreed with the resident, used where the date the letter promises works out past.
    "promise": ("promise.agreed",),
}


class TemplateError(ValueError):
    """A template file that cannot be used; names the file, key and problem."""


@dataclass(frozen=True)
class SectionSpec:
    key: str
    heading: str
    text: str  # the default text, merge fields unresolved
    guidance: str
    example: str
    required: bool = True  # must not be left empty (an optional section may be)
    kind: str = "text"  # text | points (a response's decisions, from the points input)
    when: str = ""  # printed only when this input has entries (outstanding, compensation)


@dataclass(frozen=True)
class CheckSpec:
    key: str
    label: str
    auto: str = ""  # "" = the officer ticks it; else a rule the app checks


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    group: str
    purpose: str
    issues: str
    stage: str
    requires: str
    approval: bool  # a manager's approval is needed before issue (default; settings may change it)
    subject: str
    inputs: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    checks: tuple[CheckSpec, ...]

    def section(self, key: str) -> SectionSpec:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def defaults(self) -> dict[str, str]:
        return {s.key: s.text for s in self.sections}


def letters_dir() -> Path:
    from app.paths import resources_dir

    return resources_dir() / "letters"


def _text(doc: dict, key: str, where: str, required: bool = True, default: str = "") -> str:
    value = doc.get(key)
    if value is None:
        if required:
            raise TemplateError(f"{where}: '{key}' is missing")
        return default
    if not isinstance(value, str):
        raise TemplateError(f"{where}: '{key}' must be text")
    if required and not value.strip():
        raise TemplateError(f"{where}: '{key}' must not be empty")
    return value.strip("\n")


def _choice(doc: dict, key: str, where: str, choices: tuple[str, ...], default: str = "") -> str:
    value = _text(doc, key, where, required=False, default=default)
    if value not in choices:
        raise TemplateError(
            f"{where}: '{key}' must be one of {', '.join(c or '(empty)' for c in choices)}"
        )
    return value


def _check_fields(text: str, where: str) -> None:
    for name in fields_in(text):
        if name not in FIELDS:
            raise TemplateError(f"{where}: {{{name}}} is not a merge field")


def parse_template(doc: dict, source: str) -> Template:
    known = {
        "name",
        "title",
        "group",
        "purpose",
        "issues",
        "stage",
        "requires",
        "approval",
        "subject",
        "inputs",
        "sections",
        "checks",
    }
    for key in doc:
        if key not in known:
            raise TemplateError(f"{source}: unknown key '{key}'")
    name = _text(doc, "name", source)
    approval = doc.get("approval", False)
    if not isinstance(approval, bool):
        raise TemplateError(f"{source}: 'approval' must be true or false")
    inputs = doc.get("inputs", [])
    if not isinstance(inputs, list) or any(i not in INPUTS for i in inputs):
        raise TemplateError(f"{source}: 'inputs' must be a list of {', '.join(INPUTS)}")
    subject = _text(doc, "subject", source)
    _check_fields(subject, f"{source}: subject")
    sections = []
    for i, s in enumerate(doc.get("sections", [])):
        where = f"{source}: sections[{i}]"
        extra = set(s) - {
            "key",
            "heading",
            "text",
            "guidance",
            "example",
            "required",
            "kind",
            "when",
        }
        if extra:
            raise TemplateError(f"{where}: unknown key '{sorted(extra)[0]}'")
        spec = SectionSpec(
            key=_text(s, "key", where),
            heading=_text(s, "heading", where, required=False),
            text=_text(s, "text", where, required=False),
            guidance=_text(s, "guidance", where),
            example=_text(s, "example", where),
            required=bool(s.get("required", True)),
            kind=_choice(s, "kind", where, ("text", "points"), "text"),
            when=_choice(s, "when", where, ("", "outstanding", "compensation"), ""),
        )
        if spec.when and spec.when not in inputs:
            raise TemplateError(
                f"{where}: 'when' names the input {spec.when!r}, which the template does not have"
            )
        _check_fields(spec.text, where)
        if spec.kind == "points" and "points" not in inputs:
            raise TemplateError(f"{where}: a points section needs the 'points' input")
        sections.append(spec)
    if not sections:
        raise TemplateError(f"{source}: a template needs at least one section")
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise TemplateError(f"{source}: section keys must be unique")
    checks = []
    for i, c in enumerate(doc.get("checks", [])):
        where = f"{source}: checks[{i}]"
        auto = _text(c, "auto", where, required=False)
        if auto and not (
            auto in AUTO_RULES
            or (auto.startswith("uses:") and auto[5:] in FIELDS)
            or (
                auto.startswith("input:")
                and auto[6:] in {f for fs in INPUT_FIELDS.values() for f in fs}
            )
        ):
            raise TemplateError(f"{where}: unknown rule '{auto}'")
        checks.append(CheckSpec(_text(c, "key", where), _text(c, "label", where), auto))
    if not checks:
        raise TemplateError(f"{source}: a template needs a checklist")
    return Template(
        name=name,
        title=_text(doc, "title", source),
        group=_choice(doc, "group", source, GROUPS, "general"),
        purpose=_text(doc, "purpose", source),
        issues=_choice(doc, "issues", source, ISSUES),
        stage=_choice(doc, "stage", source, STAGES, ""),
        requires=_choice(doc, "requires", source, REQUIRES, ""),
        approval=approval,
        subject=subject,
        inputs=tuple(inputs),
        sections=tuple(sections),
        checks=tuple(checks),
    )


def load_file(path: Path) -> Template:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path.name}: not valid TOML ({exc})") from None
    template = parse_template(doc, path.name)
    if template.name != path.stem:
        raise TemplateError(f"{path.name}: 'name' must be {path.stem!r} (the file's name)")
    return template


@cache
def library() -> dict[str, Template]:
    """Every template, by name, in the order officers see them (complaints, ASB, general)."""
    found = [load_file(p) for p in sorted(letters_dir().glob("*.toml"))]
    found.sort(
        key=lambda t: (GROUPS.index(t.group), ORDER.index(t.name) if t.name in ORDER else 99)
    )
    return {t.name: t for t in found}


ORDER = (
    "complaint_ack_stage1",
    "complaint_ack_stage2",
    "extension_notice",
    "response_stage1",
    "response_stage2",
    "complaint_refusal",
    "escalation_refusal",
    "apology",
    "compensation_offer",
    "asb_acknowledgement",
    "asb_action_plan",
    "asb_home_visit",
    "case_closure",
)


def template_names() -> list[str]:
    return list(library())


def get_template(name: str) -> Template:
    lib = library()
    if name not in lib:
        raise KeyError(name)
    return lib[name]
