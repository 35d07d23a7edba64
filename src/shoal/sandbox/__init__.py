"""Running untrusted Python (model-written code) where it can do no harm.

The code runs in a separate process, never in shoal's: under bubblewrap (Linux namespaces:
no network, its own process tree, a filesystem that holds only the Python installation,
read-only, and one writable temporary directory), as an unprivileged user where shoal runs
as root, with rlimits on CPU time, memory, processes, file size and open files, a wall-clock
deadline and a cap on output. Where bubblewrap is missing, running is refused with a clear
message unless the caller opts in to rlimits only, and the verdict says so.

    verdict = run_tests(code, tests)                 # typed: passed, failed, timed_out, ...
"""

from shoal.sandbox.sandbox import (
    Isolation,
    Limits,
    SandboxUnavailable,
    isolation,
    run_python,
    run_tests,
)
from shoal.sandbox.verdict import Status, TestFailure, Verdict

__all__ = [
    "Isolation",
    "Limits",
    "SandboxUnavailable",
    "Status",
    "TestFailure",
    "Verdict",
    "isolation",
    "run_python",
    "run_tests",
]
