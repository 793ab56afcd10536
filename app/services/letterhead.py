"""The rules a letterhead must meet, shared by the first-run set-up and Organisation details.

They work on the plain settings value (``settings['organisation']``) so both the
services and the letters layer above them use one set of rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.errors import ValidationError

LETTERHEAD_KEYS = ("name", "address", "phone", "email", "website", "logo", "signature_title")


def _text(value: Any) -> str:
    return str(value or "").strip()


def clean_letterhead(value: Mapping[str, Any]) -> dict[str, Any]:
    """The letterhead with spaces trimmed and blank address lines dropped; raises
    ``ValidationError`` naming the first thing a person must fix."""
    address = value.get("address") or ()
    if isinstance(address, str):
        address = address.splitlines()
    out: dict[str, Any] = {k: _text(value.get(k)) for k in LETTERHEAD_KEYS if k != "address"}
    out["address"] = [str(a).strip() for a in address if str(a).strip()]
    if not out["name"]:
        raise ValidationError("Give the organisation's name: it heads every letter.")
    if not out["address"]:
        raise ValidationError(
            "Give the organisation's address: residents need to know where to write."
        )
    if not (out["phone"] or out["email"]):
        raise ValidationError("Give a phone number or an email address residents can use.")
    if out["email"] and "@" not in out["email"]:
        raise ValidationError(f"{out['email']!r} is not an email address.")
    if out["logo"]:
        path = Path(out["logo"])
        if not path.is_file():
            raise ValidationError(f"There is no logo file at {out['logo']}.")
        if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            raise ValidationError("The logo must be a PNG or JPEG image.")
    return out
