"""Command-line entry points that end quietly when their reader stops reading (`... | head`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_quietly(main: Callable[[], int]) -> int:
    """`main()`, but a closed stdout ends it with 0 instead of a BrokenPipeError traceback."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would print a traceback flushing stdout at exit: point it at /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code
