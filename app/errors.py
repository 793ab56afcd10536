"""Errors a person sees. Every message says what happened and what to do; none is a traceback."""


class DoorstepError(Exception):
    """Base of every error Doorstep reports to a person."""


class ValidationError(DoorstepError):
    """The input cannot be accepted as it is."""


class ConflictError(DoorstepError):
    """Someone else changed the record since it was read: the edit was refused, nothing overwritten."""


class PermissionDenied(DoorstepError):
    """The user may not do this (for example, decide a complaint about themselves)."""


class NotFound(DoorstepError):
    """The case, officer or record named does not exist."""


class StorageError(DoorstepError):
    """The database cannot be opened or written; nothing was half-saved."""
