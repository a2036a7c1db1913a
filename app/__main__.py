"""``python -m app`` and the ``convscope`` command (``app/cli``): serve with no command."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
