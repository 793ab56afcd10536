"""The structured risk assessment: one yes/no answer per policy question, the tier and
the reasons that drove it updated live. Type Y or N on a question to answer it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel

from app.domain.asb_risk import score_answers
from app.services.asb import assess_risk
from app.services.asb.views import AsbView
from app.services.workspace import Workspace
from app.ui.asb.forms import AsbForm, london_now
from app.ui.forms import from_qdatetime

ANSWERS = (("Unanswered", None), ("Yes", True), ("No", False))
TIER_STYLE = {
    "high": "color: #b3261e;",
    "medium": "color: #b45309;",
    "low": "color: #1b6e3a;",
}


NO_VERDICT = "color: palette(window-text);"


class RiskAssessmentDialog(AsbForm):
    ok_text = "&Record assessment"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Risk assessment — {view.ref}", parent)
        self.view = view
        self.rules = view.risk_rules
        self.setMinimumWidth(760)
        self.set_intro(_context(view))
        box = QGroupBox("Questions (answer each one: type Y or N)", self)
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        self.answers: dict[str, QComboBox] = {}
        for row, q in enumerate(self.rules.questions):
            label = QLabel(f"{row + 1}. {q.text}", box)
            label.setWordWrap(True)
            combo = QComboBox(box)
            combo.setObjectName(f"answer_{q.key}")
            combo.setAccessibleName(q.text)
            for text, data in ANSWERS:
                combo.addItem(text, data)
            combo.currentIndexChanged.connect(self._update)
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            self.answers[q.key] = combo
        self.form.addRow(box)
        self.at = self.when("Assessed &at:", london_now(ws))
        self.tier = QLabel(self)
        self.tier.setObjectName("tier")
        self.tier.setAccessibleName("Risk tier")
        font = self.tier.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.tier.setFont(font)
        self.reasons = QLabel(self)
        self.reasons.setObjectName("reasons")
        self.reasons.setAccessibleName("Reasons for the tier")
        self.reasons.setWordWrap(True)
        self.form.addRow(self.tier)
        self.form.addRow(self.reasons)
        self._update()

    def current_answers(self) -> dict[str, bool | None]:
        return {key: combo.currentData() for key, combo in self.answers.items()}

    def _update(self) -> None:
        result = score_answers(self.rules, self.current_answers())
        if result.complete:
            action = self.view.tier_action_wd[result.tier]
            self.tier.setText(
                f"{result.tier.capitalize()} risk — action within {action} WD of the report"
            )
            self.tier.setStyleSheet(TIER_STYLE[result.tier])
            self.reasons.setText(result.reasons)
            return
        # No verdict until every question is answered: an unanswered question can only raise
        # the tier, so the answers so far give at most a floor ("at least medium"), never "low".
        left = len(result.missing)
        still = f"{left} question{'s' if left != 1 else ''} still to answer"
        if result.tier != "low":
            self.tier.setText(f"At least {result.tier} risk so far — {still}")
            self.tier.setStyleSheet(TIER_STYLE[result.tier])
            self.reasons.setText(result.reasons)
        else:
            self.tier.setText(f"No verdict yet — {still}")
            self.tier.setStyleSheet(NO_VERDICT)
            self.reasons.setText("")

    def submit(self):
        answers = {k: v for k, v in self.current_answers().items() if v is not None}
        return assess_risk(self.ws, self.view.ref, answers, at=from_qdatetime(self.at.dateTime()))


def _context(view: AsbView) -> str:
    """What the case record already says, to inform (not pre-fill) the answers."""
    facts = []
    if view.reports:
        hate = sum(r.hate_incident for r in view.reports)
        facts.append(f"{len(view.reports)} ASB report{'s' if len(view.reports) != 1 else ''}")
        if hate:
            facts.append(f"{hate} flagged as hate incident{'s' if hate != 1 else ''}")
    if view.vulnerabilities:
        facts.append("vulnerabilities: " + "; ".join(v.text for v in view.vulnerabilities))
    if view.tiers:
        facts.append(f"last assessed {view.tiers[-1].tier} on {view.tiers[-1].on:%d %b %Y}")
    return ("From the case record: " + ", ".join(facts) + ".") if facts else ""
