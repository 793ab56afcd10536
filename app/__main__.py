"""`python -m app` runs the `doorstep` command (and is the entry point of packaged builds)."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # a bulk import's worker processes start from here too
        import multiprocessing

        multiprocessing.freeze_support()
    from app.main import main

    sys.exit(main())
