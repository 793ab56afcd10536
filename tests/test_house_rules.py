"""DESIGN.md's house rules, checked on every run: lint, formatting and the direction of imports."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "domain",
    "store",
    "services",
    "letters",
    "demo",
    "server",
    "cli",
    "ui",
]  # each may import only those before it
TOP = {"cli": "app/cli.py", "cli_commands": "app/cli.py"}


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed (it is in the test extras)")
    return subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_is_clean():
    result = _ruff("check", "app", "tests", "bench", "scripts")
    assert result.returncode == 0, result.stdout


def test_code_is_ruff_formatted():
    result = _ruff("format", "--check", "app", "tests", "bench", "scripts")
    assert result.returncode == 0, result.stdout


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    if parts[1] in ("cli", "cli_commands"):
        return "cli"
    return parts[1] if parts[1] in LAYERS else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def test_imports_point_down_and_qt_stays_in_the_ui():
    problems = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        rel = path.relative_to(ROOT)
        own = _layer(".".join(rel.with_suffix("").parts))
        if own is None:
            continue
        allowed = set(LAYERS[: LAYERS.index(own) + 1])
        for module in _imports(path):
            target = _layer(module)
            if target is not None and target not in allowed:
                problems.append(f"{rel} imports {module} ({own} may not import {target})")
            if module.split(".")[0] in ("PySide6", "shiboken6") and own != "ui":
                problems.append(f"{rel} imports Qt ({module}) outside app/ui")
            if own == "domain" and module.split(".")[0] in ("sqlalchemy", "alembic"):
                problems.append(f"{rel}: app/domain must not import {module}")
    assert problems == []


def test_the_ui_never_builds_sql():
    offenders = []
    for path in sorted((ROOT / "app" / "ui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if (
            "session.execute" in text
            or "session.query" in text
            or "import sqlalchemy" in text
            or "from sqlalchemy" in text
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_layout_groups_by_capability():
    """Issue 10: complaints and ASB are packages of the services layer, the demo generator is
    its own layer above the services, and app/letters does not prefix its modules."""
    services = ROOT / "app" / "services"
    flat = sorted(
        p.name for p in services.glob("*.py") if p.name.startswith(("complaint", "asb", "demo"))
    )
    assert flat == []
    assert (services / "complaints" / "__init__.py").is_file()
    assert (services / "asb" / "__init__.py").is_file()
    assert list((services / "demo").glob("*.py")) == []
    assert (ROOT / "app" / "demo" / "generator.py").is_file()
    assert sorted(p.name for p in (ROOT / "app" / "letters").glob("letter_*.py")) == []
