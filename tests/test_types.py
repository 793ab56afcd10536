"""The type checker runs on every test run: no type error in app/ beyond the recorded baseline.

The baseline (tests/fixtures/mypy-baseline.txt) lists the errors that predate typed event
payloads, one per line as ``path: [code] message`` with line numbers removed, so that moving code
does not churn it. A new error fails this test; a fixed one only asks for the baseline to shrink
(``python tests/test_types.py --write`` rewrites it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tests" / "fixtures" / "mypy-baseline.txt"
ERROR = re.compile(
    r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$"
)


def _mypy_errors() -> Counter[str]:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    if mypy is None:
        pytest.fail("mypy is not installed (it is in the test extras)")
    result = subprocess.run(
        [mypy, "--no-error-summary", "--no-pretty", "--show-error-codes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1) or result.stderr.strip():
        pytest.fail(f"mypy did not run: {result.stderr.strip() or result.stdout[-2000:]}")
    return Counter(_normalise(line) for line in result.stdout.splitlines() if ERROR.match(line))


def _normalise(line: str) -> str:
    match = ERROR.match(line)
    assert match is not None
    message = re.sub(r"line \d+", "line N", match["message"])
    return f"{match['path']}: [{match['code']}] {message}"


def _baseline() -> Counter[str]:
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line and not line.startswith("#"))


def test_no_new_type_errors():
    current = _mypy_errors()
    new = current - _baseline()
    assert not new, "new type errors in app/:\n" + "\n".join(sorted(new.elements()))


def test_typed_modules_are_clean():
    """Modules written against typed payloads carry no baseline at all."""
    clean = ("app/domain/payloads.py", "app/domain/events.py")
    listed = [line for line in _baseline() if line.startswith(clean)]
    assert listed == []


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    errors = _mypy_errors()
    BASELINE.write_text(
        "# mypy errors that predate typed event payloads; only ever shrink this file\n"
        + "".join(f"{line}\n" for line in sorted(errors.elements())),
        encoding="utf-8",
    )
    print(f"{BASELINE.relative_to(ROOT)}: {sum(errors.values())} errors")
