"""The ASB panel of the case view, its risk form, action-plan editor and dialogs."""

from app.ui.asb.panel import AsbPanel
from app.ui.asb.plan_editor import ActionPlanEditor
from app.ui.asb.risk_dialog import RiskAssessmentDialog

__all__ = ["ActionPlanEditor", "AsbPanel", "RiskAssessmentDialog"]
