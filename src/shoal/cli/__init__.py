"""The ``shoal`` command line: one module per command group, each command thin.

- ``ask.py``: ask, resume, runs, show (the swarm, and code runs)
- ``code.py``: code (write, run in the sandbox, fix)
- ``models.py``: models, models prepare, chat, calls
- ``memory.py``: memory show/export/import/forget
- ``scaling.py``: fit, allocate
- ``serve.py``: serve, keys
- ``common.py``: the group itself, error handling, output helpers
"""

from __future__ import annotations

import signal

from shoal.cli import ask, code, memory, models, scaling, serve  # noqa: F401 - registers commands
from shoal.cli.common import cli


def main() -> None:
    # SIGTERM stops a command the way Ctrl-C does: a run in progress is stored as
    # interrupted, with its finished jobs, and can be resumed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    cli(prog_name="shoal")


__all__ = ["cli", "main"]

if __name__ == "__main__":  # pragma: no cover
    main()
