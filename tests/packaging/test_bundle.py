"""The Linux desktop bundle: build it with packaging/doorstep.spec, then run it as a user would, from
a fresh home folder, headless. Prints the bundle's size, the build time and the cold start."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.packaging.report import report

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "doorstep.spec"
LOADED = re.compile(r"inbox showing (\d+) cases, (\d+\.\d\d) s after start")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="only the Linux bundle is built"
    ),
]


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The one-folder bundle, built once for this module into a temporary folder."""
    out = tmp_path_factory.mktemp("bundle")
    started = time.perf_counter()
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
        + ["--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    seconds = time.perf_counter() - started
    assert built.returncode == 0, built.stderr[-4000:]
    folder = out / "dist" / "doorstep"
    report(f"bundle build: {seconds:.0f} s ({os.cpu_count()} cores)")
    report(f"bundle size: {folder_size(folder) / 2**20:.0f} MiB ({folder})")
    return folder


@pytest.fixture
def user_env(tmp_path) -> dict[str, str]:
    """A user who has never run Doorstep: empty home and data folders, no display."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOORSTEP_", "XDG_"))}
    env.update(
        HOME=str(tmp_path / "home"),
        DOORSTEP_DATA_DIR=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    (tmp_path / "home").mkdir()
    return env


def run(bundle: Path, env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(bundle / "doorstep"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_the_bundle_runs_the_command_line_and_the_app(bundle, user_env, tmp_path):
    from pypdf import PdfReader

    db = tmp_path / "demo.sqlite"

    made = run(bundle, user_env, "demo", "--db", str(db), "--cases", "20", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(db) and db.is_file()

    due = run(bundle, user_env, "due", "2025-12-19", "5", cwd=tmp_path)
    assert (due.returncode, due.stdout.strip()) == (0, "2025-12-30"), due.stderr

    shipped = bundle / "_internal" / "resources" / "import"
    csv = run(
        bundle, user_env, "import-csv", str(shipped / "example-export.csv"),
        "--map", str(shipped / "example-mapping.toml"), "--db", str(tmp_path / "x.sqlite"),
        "--dry-run", cwd=tmp_path,
    )  # fmt: skip
    assert csv.returncode == 0, csv.stderr  # sqlite-utils and its plugin library came along
    assert "Would create 9 cases" in csv.stdout

    pdf = tmp_path / "f.pdf"
    letter = run(
        bundle, user_env, "letter", "HX-0001", "asb_acknowledgement", "--db", str(db),
        "--out", str(pdf), "--user", "p.natarajan", cwd=tmp_path,
    )  # fmt: skip
    assert letter.returncode == 0, letter.stderr
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    assert "HX-0001" in reader.metadata.title
    assert "HX-0001" in reader.pages[0].extract_text()

    # SQLCipher came along: a copy of the demo encrypts and still answers the inbox.
    secret = tmp_path / "secret.sqlite"
    shutil.copyfile(db, secret)
    key_env = {**user_env, "DOORSTEP_DB_KEY": "ab" * 32}
    enc = run(bundle, key_env, "encrypt", "--db", str(secret), cwd=tmp_path)
    assert enc.returncode == 0, enc.stderr
    assert b"SQLite format 3" not in secret.read_bytes()[:16]
    inbox = run(
        bundle, key_env, "inbox", "--db", str(secret), "--user", "p.natarajan", "--json",
        cwd=tmp_path,
    )  # fmt: skip
    assert inbox.returncode == 0 and "HX-0001" in inbox.stdout, inbox.stderr

    wall, own = [], []
    for _ in range(3):  # the first start is the cold one: new home, no font cache, no settings
        started = time.perf_counter()
        gui = run(
            bundle, user_env, "gui", "--db", str(db), "--quit-after-load", "--user", "a.khan",
            cwd=tmp_path,
        )  # fmt: skip
        wall.append(time.perf_counter() - started)
        assert gui.returncode == 0, gui.stderr
        loaded = LOADED.search(gui.stderr)
        assert loaded, gui.stderr
        assert int(loaded.group(1)) > 0
        own.append(float(loaded.group(2)))
    report(
        "bundle start to inbox shown (gui --quit-after-load, 3 runs): "
        + ", ".join(f"{w:.2f}" for w in wall)
        + f" s; median {statistics.median(wall):.2f} s; first (cold) {wall[0]:.2f} s"
    )
    report(
        "  as the app measures it (process start to inbox rows): "
        + ", ".join(f"{s:.2f}" for s in own)
        + " s"
    )


def test_the_bundle_serves_sync_and_a_laptop_syncs_with_it(bundle, user_env, tmp_path):
    """The sync service (FastAPI, uvicorn) and the laptop's client (httpx) came along."""
    from tests.sync.conftest import PASSWORD, free_port
    from tests.sync.service_process import running_service

    team, laptop, port = tmp_path / "team.sqlite", tmp_path / "amy.sqlite", free_port()
    env = {**user_env, "DOORSTEP_NEW_PASSWORD": PASSWORD, "DOORSTEP_PASSWORD": PASSWORD}
    done = run(bundle, env, "server", "init", "--db", str(team), "--user", "boss", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    added = run(
        bundle, {**env, "DOORSTEP_USER": "boss"}, "user", "add", "amy", "--role", "officer",
        "--db", str(team), cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    exe = bundle / ("doorstep.exe" if sys.platform == "win32" else "doorstep")
    url = f"http://127.0.0.1:{port}"
    argv = [str(exe), "server", "run", "--db", str(team), "--port", str(port)]
    with running_service(argv, url, tmp_path, env):
        enrol = run(
            bundle, env, "device", "enrol", "--server", url, "--user", "amy", "--db", str(laptop),
            cwd=tmp_path,
        )  # fmt: skip
        assert enrol.returncode == 0, enrol.stderr
        synced = run(bundle, env, "sync", "--db", str(laptop), "--json", cwd=tmp_path)
        assert synced.returncode == 0 and '"pending": 0' in synced.stdout, synced.stderr


def test_the_bundle_imports_with_worker_processes(bundle, user_env, tmp_path):
    """A large import plans its batches in worker processes, which the frozen program starts
    as copies of itself (multiprocessing.freeze_support in app/__main__.py)."""
    import json

    lines = tmp_path / "cases.jsonl"
    with lines.open("w") as fh:
        for i in range(1_200):
            case = {"ref": f"W-{i:05d}", "kind": "general", "opened": "2025-03-03",
                    "officer": "a.khan", "resident": {"name": f"Resident {i}"}}  # fmt: skip
            event = {"id": "e1", "at": "2025-03-04T10:00:00Z", "type": "contact",
                     "channel": "phone", "direction": "in", "by": "resident"}  # fmt: skip
            fh.write(json.dumps({"format": "doorstep-case/1", "case": case, "events": [event]}))
            fh.write("\n")
    db = tmp_path / "many.sqlite"
    done = run(
        bundle, user_env, "import", str(lines), "--db", str(db), "--workers", "2", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 1,200 cases" in done.stdout, done.stdout
    assert re.search(r"; [1-9]\d* batches checked in worker processes", done.stdout), done.stdout
    export = run(bundle, user_env, "export", "W-01199", "--db", str(db), cwd=tmp_path)
    assert export.returncode == 0 and '"W-01199"' in export.stdout, export.stderr


def test_bad_arguments_get_one_sentence_and_exit_2(bundle, user_env, tmp_path):
    done = run(bundle, user_env, "due", "2025-12-19", "five", cwd=tmp_path)

    assert done.returncode == 2
    assert done.stderr.startswith("doorstep:") and len(done.stderr.strip().splitlines()) == 1


def test_the_bundle_leaves_out_what_the_app_does_not_use(bundle):
    from PyInstaller.archive.readers import pkg_archive_contents

    modules = set(pkg_archive_contents(str(bundle / "doorstep")))
    assert {"app.cli", "app.ui.main_window", "PySide6", "reportlab"} <= modules
    for unused in ("tkinter", "pytest", "_pytest", "hypothesis", "pypdf", "PySide6.QtNetwork"):
        assert unused not in modules

    qt = bundle / "_internal" / "PySide6" / "Qt"
    plugins = {p.relative_to(qt / "plugins").as_posix() for p in (qt / "plugins").rglob("*.so")}
    assert {"platforms/libqxcb.so", "platforms/libqoffscreen.so"} <= plugins
    assert any(p.startswith("platforms/libqwayland") for p in plugins)
    assert "imageformats/libqjpeg.so" in plugins
    assert not {
        p for p in plugins if p.split("/")[0] in ("tls", "generic", "egldeviceintegrations")
    }
    assert "platforms/libqeglfs.so" not in plugins
    translations = [p.name for p in (qt / "translations").iterdir()]
    assert translations and all(name.endswith("_en.qm") for name in translations)
    assert not list(qt.rglob("*Quick*")) and not list(qt.rglob("*WebEngine*"))
    assert (bundle / "_internal" / "resources" / "policy").is_dir()
    assert (bundle / "_internal" / "db").is_dir()


def test_every_library_the_bundle_needs_is_in_it_or_left_to_the_system(bundle):
    """Guards the spec's pruning: a library it dropped must not be needed by one it kept."""
    from PyInstaller.depend.bindepend import get_imports
    from PyInstaller.depend.dylib import include_library

    internal = bundle / "_internal"
    files = [p for p in internal.rglob("*") if p.is_file() and ".so" in p.name]
    present = {p.name for p in internal.rglob("*") if ".so" in p.name}
    missing = set()
    for path in files:
        for name, _resolved in get_imports(str(path)):
            base = Path(name).name
            if base not in present and include_library(base):
                missing.add(f"{base} (needed by {path.relative_to(internal)})")
    assert not missing, sorted(missing)


def test_the_install_script_adds_and_removes_the_menu_entry(bundle, user_env, tmp_path):
    home = Path(user_env["HOME"])
    env = dict(user_env, PATH=os.environ["PATH"])
    installed = subprocess.run(
        [str(bundle / "install-linux.sh")], env=env, capture_output=True, text=True, timeout=60
    )
    assert installed.returncode == 0, installed.stderr

    entry = home / ".local" / "share" / "applications" / "doorstep.desktop"
    text = entry.read_text()
    assert f'Exec="{bundle}/doorstep" gui' in text
    for key in (
        "Icon=doorstep",
        "Categories=Office;",
        "StartupWMClass=Doorstep",
        "Type=Application",
    ):
        assert key in text
    hicolor = home / ".local" / "share" / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / "doorstep.svg").is_file()
    assert (hicolor / "48x48" / "apps" / "doorstep.png").is_file()
    launcher = home / ".local" / "bin" / "doorstep"
    due = subprocess.run(
        [str(launcher), "due", "2025-12-19", "0"], env=env, capture_output=True, text=True
    )
    assert due.stdout.strip() == "2025-12-19", due.stderr

    removed = subprocess.run(
        [str(bundle / "install-linux.sh"), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists() and not launcher.exists()
    assert not (hicolor / "48x48" / "apps" / "doorstep.png").exists()


def test_the_bundle_folder_can_be_moved(bundle, user_env, tmp_path):
    """Users unpack the folder anywhere: nothing in it may point back at the build machine."""
    moved = tmp_path / "Apps" / "Doorstep folder"
    shutil.copytree(bundle, moved, symlinks=True)
    done = run(moved, user_env, "letter", "--list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "complaint_ack_stage1" in done.stdout.split()


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="needs xvfb-run (scripts/bootstrap.sh)"
)
def test_the_bundle_opens_on_an_x11_display(bundle, user_env, tmp_path):
    """The X11 plugin and the libraries it needs survived the trimming (offscreen needs fewer)."""
    db = tmp_path / "demo.sqlite"
    assert (
        run(bundle, user_env, "demo", "--db", str(db), "--cases", "20", cwd=tmp_path).returncode
        == 0
    )
    env = dict(user_env, QT_QPA_PLATFORM="xcb")
    gui = subprocess.run(
        [
            "xvfb-run",
            "-a",
            str(bundle / "doorstep"),
            "gui",
            "--db",
            str(db),
            "--quit-after-load",
            "--user",
            "a.khan",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert gui.returncode == 0, gui.stderr
    assert LOADED.search(gui.stderr), gui.stderr
