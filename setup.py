"""Build configuration beyond pyproject.toml: ship ``resources/`` and ``db/`` inside the package.

The two folders stay at the top of the repository, where a checkout and the
PyInstaller bundle use them; a wheel carries them as ``app/_data/resources`` and
``app/_data/db``, where app/paths.py finds them once Doorstep is installed.
"""

import os

from setuptools import find_packages, setup

DATA_ROOTS = ("resources", "db")


def data_packages() -> dict[str, str]:
    """Every folder under resources/ and db/ as a data package under ``app._data``."""
    out: dict[str, str] = {}
    for root in DATA_ROOTS:
        for folder, subdirs, _files in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__" and not d.startswith("."))
            for name in subdirs:
                if "." in name:
                    raise SystemExit(
                        f"{folder}/{name}: a folder shipped in the wheel needs a name without dots"
                    )
            out["app._data." + folder.replace(os.sep, ".")] = folder
    return out


DATA = data_packages()

setup(
    packages=find_packages(include=["app", "app.*"]) + list(DATA),
    package_dir={f"app._data.{root}": root for root in DATA_ROOTS},
    package_data={name: ["*"] for name in DATA},
    exclude_package_data={"": ["*.pyc", "*.pyo"]},
)
