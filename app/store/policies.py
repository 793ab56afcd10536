"""Policy registry: the shipped policy files plus managers' versions stored in the database."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.policy import Policy, PolicyError, PolicyHistory, parse_policy
from app.paths import resources_dir

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEFAULT_POLICY = "code-2024"
EPOCH = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def shipped_dir() -> Path:
    return resources_dir() / "policy"


@lru_cache(maxsize=4)
def shipped_documents(folder: Path | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
    """name -> (file name, TOML document) for every shipped policy file."""
    folder = folder or shipped_dir()
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(path.name, "", f"is not valid TOML ({exc})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(path.name, "", f"cannot be read ({exc})") from None
        name = doc.get("name")
        if not isinstance(name, str) or not name:
            raise PolicyError(path.name, "name", "is missing")
        if name != path.stem:
            raise PolicyError(
                path.name, "name", f"must match the file name ({path.stem!r}), got {name!r}"
            )
        out[name] = (path.name, doc)
    return out


class PolicyRegistry:
    """Every named policy with its version history."""

    def __init__(
        self,
        shipped: Mapping[str, tuple[str, dict[str, Any]]] | None = None,
        stored: Iterable[tuple[str, int, dt.datetime, str]] = (),
        default: str = DEFAULT_POLICY,
    ):
        self._shipped = dict(shipped if shipped is not None else shipped_documents())
        self.default = default
        self._stored: dict[str, list[tuple[dt.datetime, dict[str, Any], str]]] = {}
        self._versions: dict[str, list[int]] = {}
        for name, version, effective, text in stored:
            source = f"{name} version {version} (database)"
            try:
                doc = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise PolicyError(source, "", f"is not valid TOML ({exc})") from None
            self._stored.setdefault(name, []).append((effective, doc, source))
            self._versions.setdefault(name, []).append(int(version))
        self._cache: dict[str, PolicyHistory] = {}
        if default not in self.names():
            raise PolicyError("settings", "default_policy", f"names an unknown policy {default!r}")

    def __getstate__(self) -> dict[str, Any]:
        """Pickled for a bulk import's worker processes: the documents, not the histories
        built from them (each process builds its own when first asked)."""
        return {**self.__dict__, "_cache": {}}

    def names(self) -> list[str]:
        return sorted(set(self._shipped) | set(self._stored))

    def latest_document(self, name: str) -> Mapping[str, Any]:
        """The newest document of ``name`` as written (a manager's stored version, else the file)."""
        if name in self._stored:
            return max(self._stored[name], key=lambda v: v[0])[1]
        if name in self._shipped:
            return self._shipped[name][1]
        raise KeyError(name)

    def history(self, name: str | None = None) -> PolicyHistory:
        name = name or self.default
        if name not in self._cache:
            versions: list[tuple[dt.datetime, Policy]] = []
            if name in self._shipped:
                source, doc = self._shipped[name]
                versions.append((EPOCH, parse_policy(doc, source, self.latest_document)))
            for effective, doc, source in self._stored.get(name, []):
                versions.append((effective, parse_policy(doc, source, self.latest_document)))
            if not versions:
                raise KeyError(name)
            self._cache[name] = PolicyHistory(versions)
        return self._cache[name]

    def stored_versions(self, name: str) -> list[int]:
        """The version numbers of ``name`` stored in the database (managers' versions)."""
        return list(self._versions.get(name, []))

    def get(self, name: str | None = None) -> Policy:
        return self.history(name).current

    def check_stored(self) -> None:
        """Parse every version stored in the database now (raises ``PolicyError``), so a bad
        one is refused when the database is opened, not half-way through a command."""
        for name in self._stored:
            self.history(name)


def load_registry(session: Session | None = None) -> PolicyRegistry:
    """Shipped policies plus the database's versions and the organisation's default."""
    if session is None:
        return PolicyRegistry()
    # Here, not at the top: `doorstep due` and `wd` read the shipped files without SQLAlchemy.
    from sqlalchemy import select

    from app.store.models import PolicyVersion, Setting

    rows = session.execute(
        select(
            PolicyVersion.name,
            PolicyVersion.version,
            PolicyVersion.effective_from,
            PolicyVersion.document,
        )
    ).all()
    default = session.get(Setting, "default_policy")
    registry = PolicyRegistry(
        stored=[tuple(r) for r in rows],
        default=default.value if default is not None else DEFAULT_POLICY,
    )
    registry.check_stored()
    return registry
