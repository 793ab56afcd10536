"""The wheel works on its own: built, installed in a fresh venv and run outside the source tree.

The venv gets the wheel with --no-deps; its dependencies come from this interpreter's
site-packages through a plain path line in a .pth file (which, unlike the editable
install's own .pth, runs no import hook, so `app` can only come from the wheel).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("resources", "db")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")

pytestmark = pytest.mark.slow


def _source_copy(dest: Path) -> Path:
    """The files a build reads, copied so the build leaves nothing in the checkout."""
    dest.mkdir()
    for path in ROOT.iterdir():
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, dest / path.name)
    for name in ("app", *SHIPPED):
        shutil.copytree(ROOT / name, dest / name, ignore=SKIP)
    return dest


def _shipped_files() -> set[str]:
    return {
        f"app/_data/{p.relative_to(ROOT).as_posix()}"
        for name in SHIPPED
        for p in (ROOT / name).rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and p.suffix != ".pyc"
        and not p.name.startswith(".")
    }


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def _package_files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(doorstep script, installed app folder, environment) for a wheel in a fresh venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = _source_copy(tmp / "src")
    dist = tmp / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(dist)], cwd=src
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("doorstep-*.whl")

    from zipfile import ZipFile

    names = set(ZipFile(wheel).namelist())
    missing = _shipped_files() - names
    assert not missing, f"the wheel lacks {sorted(missing)}"

    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / ("python.exe" if sys.platform == "win32" else "python")
    done = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["--no-index", str(wheel)]
    )
    assert done.returncode == 0, done.stdout + done.stderr
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig;print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    deps = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (purelib / "doorstep-test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")

    work = tmp / "work"  # cwd outside the source tree
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DOORSTEP_"))}
    env |= {
        "HOME": str(tmp / "home"),
        "XDG_DATA_HOME": str(tmp / "home" / "share"),
        "XDG_CONFIG_HOME": str(tmp / "home" / "config"),
        "DOORSTEP_DATA_DIR": str(tmp / "data"),
    }
    where = _run([str(python), "-c", "import app;print(app.__file__)"], cwd=work, env=env)
    package = Path(where.stdout.strip()).parent
    assert package == purelib / "app", where.stdout + where.stderr
    before = _package_files(package)
    assert _shipped_files() <= {f"app/{name}" for name in before}

    yield bindir / "doorstep", work, env, tmp
    after = _package_files(package)
    assert after == before, f"written into the installed package: {sorted(after - before)}"


def doorstep(installed, *args, env=None):
    script, work, base_env, _tmp = installed
    return _run([str(script), *args], cwd=work, env=env or base_env)


def test_installed_wheel_runs_outside_the_source_tree(installed):
    _script, work, _env, tmp = installed

    due = doorstep(installed, "due", "2025-12-19", "5")
    assert (due.returncode, due.stdout.strip(), due.stderr) == (0, "2025-12-30", "")

    db = tmp / "demo.sqlite"
    demo = doorstep(installed, "demo", "--db", str(db), "--cases", "20")
    assert demo.returncode == 0, demo.stderr
    assert db.is_file() and demo.stdout.strip() == str(db)

    listed = doorstep(installed, "letter", "--list")
    assert listed.returncode == 0, listed.stderr
    assert "case_closure" in listed.stdout.split()

    pdf = work / "closure.pdf"
    letter = doorstep(
        installed, "letter", "HX-0001", "case_closure", "--db", str(db), "--out", str(pdf),
        "--user", "p.natarajan",  # the demo enforces roles: act as one of its people
    )  # fmt: skip
    assert letter.returncode == 0, letter.stderr
    assert pdf.read_bytes().startswith(b"%PDF")

    bundle = work / "HX-0001.json"
    exported = doorstep(
        installed, "export", "HX-0001", "--db", str(db), "--out", str(bundle), "--user", "p.natarajan"
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    audit = doorstep(installed, "audit", str(bundle), "--as-of", "2025-09-01", "--json")
    assert audit.returncode in (0, 1), audit.stderr
    report = json.loads(audit.stdout)
    assert (report["case"], report["as_of"]) == ("HX-0001", "2025-09-01")


def test_installed_wheel_keeps_the_users_files_in_the_data_directory(installed):
    _script, _work, env, _tmp = installed
    demo = doorstep(installed, "demo", "--cases", "3")
    assert demo.returncode == 0, demo.stderr
    made = Path(demo.stdout.strip())
    assert made.parent == Path(env["DOORSTEP_DATA_DIR"]) and made.is_file()


def test_installed_wheel_without_a_display_says_so(installed):
    _script, _work, env, _tmp = installed
    bare = {
        k: v for k, v in env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    if sys.platform in ("win32", "darwin"):
        pytest.skip("Windows and macOS always have a screen for Qt")
    result = doorstep(installed, env=bare)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no display" in result.stderr
