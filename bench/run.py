"""Doorstep benchmarks: one line per figure, ratios where there is something to compare with.

    .venv/bin/python bench/run.py            # every figure at full size
    .venv/bin/python bench/run.py --quick    # smaller sizes, for a smoke run
    .venv/bin/python bench/run.py calendar   # just one group

Figures are printed, never asserted: record them in docs/benchmarks.md with the date and machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import figures  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "groups", nargs="*", help=f"groups to run (default all): {', '.join(figures.GROUPS)}"
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument(
        "--one", action="store_true", help=argparse.SUPPRESS
    )  # run one group in this process
    args = parser.parse_args(argv)
    groups = args.groups or list(figures.GROUPS)
    unknown = [g for g in groups if g not in figures.GROUPS]
    if unknown:
        parser.error(f"unknown group(s): {', '.join(unknown)}")
    if args.one:
        for line in figures.GROUPS[groups[0]](args.quick):
            print(line, flush=True)
        return 0
    print(f"# doorstep bench on {figures.machine()}{' (quick)' if args.quick else ''}", flush=True)
    for name in groups:
        # Each group in a fresh process: one group's millions of objects must not slow the next.
        cmd = [sys.executable, __file__, name, "--one"] + (["--quick"] if args.quick else [])
        result = subprocess.run(cmd, check=False)
        if result.returncode != 0:
            print(f"{name}: failed (exit {result.returncode})", flush=True)
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
