"""Letters: the case view's Letters tab, the editor with guidance and live preview, the manager's
approval queue, batch generation and the organisation's letterhead details."""

from app.ui.letters.panel import LettersPanel

__all__ = ["LettersPanel"]
