"""What running untrusted code came to: one typed verdict, never a bare exit code."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASSED = "passed"
    """Every test passed (or, with no tests, the program exited 0)."""
    FAILED = "failed"
    """A test failed or the code raised (``failures`` says which, with the traceback)."""
    TIMED_OUT = "timed_out"
    """It ran past its wall-clock or CPU-time limit and was killed."""
    OUT_OF_MEMORY = "out_of_memory"
    """It hit its memory limit."""
    KILLED = "killed"
    """It died by a signal for another reason (e.g. too many processes)."""
    OUTPUT_TRUNCATED = "output_truncated"
    """It printed more than the output limit; it was stopped there."""
    REFUSED = "refused"
    """It was not run: no strong isolation and no opt-in to run without it."""


@dataclass
class TestFailure:
    test: str
    error: str
    traceback: str = ""


@dataclass
class Verdict:
    status: Status
    passed: int = 0
    total: int = 0
    failures: list[TestFailure] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    seconds: float = 0.0
    isolation: str = ""
    """How it was isolated: ``bubblewrap`` or ``rlimits only`` (weaker, opted into)."""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.PASSED

    def feedback(self, limit: int = 2000) -> str:
        """What a model is told to fix: the failing tests and their tracebacks, or why the
        run stopped, within ``limit`` characters."""
        if self.status is Status.PASSED:
            return f"all {self.total} test(s) passed"
        if self.failures:
            parts = [f"{self.passed} of {self.total} test(s) passed. Failures:"]
            for f in self.failures[:5]:
                parts.append(f"- {f.test}: {f.error}\n{f.traceback[-600:]}")
            return "\n".join(parts)[:limit]
        return (f"{self.status.value}: {self.detail}\n{self.stderr[-1200:]}")[:limit]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status.value
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Verdict:
        return cls(
            status=Status(raw["status"]),
            passed=int(raw.get("passed") or 0),
            total=int(raw.get("total") or 0),
            failures=[TestFailure(**f) for f in raw.get("failures") or []],
            stdout=raw.get("stdout") or "",
            stderr=raw.get("stderr") or "",
            exit_code=raw.get("exit_code"),
            seconds=float(raw.get("seconds") or 0.0),
            isolation=raw.get("isolation") or "",
            detail=raw.get("detail") or "",
        )
