"""`python -m app` runs the `doorstep` command (and is the entry point of packaged builds)."""

import sys

from app.main import main

sys.exit(main())
