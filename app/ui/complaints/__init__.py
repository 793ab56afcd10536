"""The complaint panel of the case view and its dialogs."""

from app.ui.complaints.panel import ComplaintPanel

__all__ = ["ComplaintPanel"]
