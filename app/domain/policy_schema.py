"""A small reader for validating nested policy documents with exact error locations.

Each accessor names the key path it is reading (``complaints.stages[1].ack_wd``),
so a bad value is reported as *file, key, problem* — the message a manager who
edited a policy file can act on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

# A deadline this many working days away (or fewer, but not yet due today) is "at risk" when a
# policy does not say otherwise (``[inbox] at_risk_wd``). The only place the number is written.
DEFAULT_AT_RISK_WD = 2


class PolicyError(ValueError):
    """A policy document that cannot be used. ``str()`` names file, key and problem."""

    def __init__(self, source: str, key: str, problem: str):
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {problem}")


class Table:
    """A TOML table being read; records which keys were consumed to reject unknown ones."""

    def __init__(self, source: str, path: str, data: Any):
        self.source = source
        self.path = path
        if not isinstance(data, dict):
            self.fail("", f"must be a table, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> NoReturn:
        raise PolicyError(self.source, self.key(name) if name else self.path, problem)

    def _get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                self.fail(name, "is missing")
            return None
        return self.data[name]

    def table(self, name: str, required: bool = True) -> Table | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(name, f"must be a table, got {type(value).__name__}")
        return Table(self.source, self.key(name), value)

    def tables(self, name: str, required: bool = True) -> list[Table]:
        value = self._get(name, required)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.fail(name, "must be a non-empty array of tables")
        return [Table(self.source, f"{self.key(name)}[{i}]", v) for i, v in enumerate(value)]

    def text(self, name: str, required: bool = True, choices: tuple[str, ...] = ()) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"must be non-empty text, got {value!r}")
        if choices and value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def whole(
        self, name: str, required: bool = True, low: int = 0, high: int = 10_000
    ) -> int | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(name, f"must be a whole number, got {value!r}")
        if not low <= value <= high:
            self.fail(name, f"must be between {low} and {high}, got {value}")
        return value

    def number(self, name: str, low: float = 0.0, high: float = 1e9) -> float:
        value = self._get(name, True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"must be a number, got {value!r}")
        if not low <= value <= high:
            self.fail(name, f"must be between {low:g} and {high:g}, got {value}")
        return float(value)

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(name, f"must be true or false, got {value!r}")
        return value

    def texts(self, name: str, required: bool = True) -> tuple[str, ...]:
        value = self._get(name, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(name, "must be an array of non-empty texts")
        return tuple(value)

    def dates(self, name: str) -> tuple[dt.date, ...]:
        value = self._get(name, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(name, "must be an array of dates")
        out = []
        for i, v in enumerate(value):
            if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                out.append(v)
            elif isinstance(v, str):
                try:
                    out.append(dt.date.fromisoformat(v))
                except ValueError:
                    self.fail(f"{name}[{i}]", f"is not a valid date: {v!r}")
            else:
                self.fail(f"{name}[{i}]", f"must be a date, got {v!r}")
        return tuple(sorted(out))

    def whole_map(
        self, name: str, keys: tuple[str, ...] | None = None, high: int = 250
    ) -> dict[str, int]:
        t = self.table(name)
        assert t is not None
        names = keys if keys is not None else tuple(t.data)
        out = {k: t.whole(k, high=high) for k in names}
        t.done()
        return out  # type: ignore[return-value]

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            self.fail(unknown[0], "is not a known policy key (check the spelling)")
