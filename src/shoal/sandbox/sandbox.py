"""The sandbox: one untrusted Python program in a separate, isolated, bounded process.

Isolation (bubblewrap): new network namespace (no interfaces but a downed loopback: nothing
can be reached, not even 127.0.0.1), new PID, IPC and UTS namespaces (``--die-with-parent``,
and every process it started dies with it), a root filesystem holding only /usr, the
dynamic-loader files and the Python installation, all read-only, a private /tmp and one
writable working directory. The environment is emptied. When shoal runs as root, the
program runs as ``nobody``. rlimits bound CPU seconds, address space, processes, file size
and open files; a wall-clock deadline and an output cap are enforced from outside.

Untrusted code can still lie about its own tests (it runs in the process that reports
them): verdicts are trustworthy against bugs, not against code written to fake them.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import IO

from shoal.errors import ShoalError
from shoal.sandbox import harness
from shoal.sandbox.verdict import Status, TestFailure, Verdict

GiB = 1 << 30
MiB = 1 << 20


class SandboxUnavailable(ShoalError):
    """Strong isolation is not available here, and the caller did not opt out of it."""


class Isolation(StrEnum):
    BUBBLEWRAP = "bubblewrap"
    RLIMITS = "rlimits only"


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 10.0
    cpu_seconds: int = 10
    memory_bytes: int = 1 * GiB
    processes: int = 64
    output_bytes: int = 1 * MiB
    file_bytes: int = 64 * MiB
    open_files: int = 256


@cache
def isolation() -> Isolation | None:
    """The strongest isolation this machine offers, or None. Probed once: bubblewrap must
    be installed and able to create namespaces here (containers may forbid it)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    try:
        probe = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--dev", "/dev",
             "--proc", "/proc", "true"],
            capture_output=True, timeout=15, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Isolation.BUBBLEWRAP if probe.returncode == 0 else None


def _missing() -> str:
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian: apt-get install bubblewrap)"
    return "bubblewrap cannot create namespaces here (user namespaces may be disabled)"


def _python() -> str:
    """The base interpreter (not shoal's virtualenv: its packages are not the code's)."""
    for name in (f"python{sys.version_info.major}.{sys.version_info.minor}", "python3"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _bwrap_command(workdir: Path, argv: list[str]) -> list[str]:
    bwrap = shutil.which("bwrap")
    assert bwrap is not None
    cmd = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session",
           "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
           "--tmpfs", "/tmp"]  # fmt: skip
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(top)
        if path.is_symlink():
            cmd += ["--symlink", str(path.readlink()), top]
        elif path.is_dir():
            cmd += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/nsswitch.conf"):
        cmd += ["--ro-bind-try", f, f]
    prefix = str(Path(sys.base_prefix).resolve())
    if not prefix.startswith("/usr"):
        cmd += ["--ro-bind", prefix, prefix]
    cmd += ["--bind", str(workdir), "/sandbox", "--chdir", "/sandbox", "--clearenv",
            "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin", "--setenv", "HOME", "/sandbox",
            "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "PYTHONHASHSEED", "0",
            "--setenv", "LANG", "C.UTF-8", "--"]  # fmt: skip
    return cmd + argv


def _rlimits(limits: Limits, processes: int | None) -> None:
    """In the child, before exec: bound what it may use."""
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _others_can_run(path: str) -> bool:
    """Whether an unprivileged user can reach and run ``path``."""
    p = Path(path).resolve()
    for part in [*reversed(p.parents), p]:
        try:
            if not part.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def _user_processes(uid: int) -> int:
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                n += entry.stat().st_uid == uid
            except OSError:
                continue
    return n


def run_python(
    script: str,
    workdir: Path,
    limits: Limits = Limits(),
    *,
    allow_weak: bool = False,
) -> tuple[Status | None, int | None, str, str, float, Isolation, str]:
    """Run ``workdir/script`` isolated and bounded. Returns (status if it was stopped,
    exit code, stdout, stderr, seconds, isolation, detail). Raises ``SandboxUnavailable``
    without strong isolation unless ``allow_weak``."""
    how = isolation()
    if how is None and not allow_weak:
        raise SandboxUnavailable(
            f"refusing to run model-written code without strong isolation: {_missing()}. "
            "Install bubblewrap (`make test` does), or opt in to rlimits only "
            "(SHOAL_SANDBOX=rlimits, --allow-weak-sandbox), which does not block the network "
            "or the filesystem"
        )
    how = how or Isolation.RLIMITS
    argv = [_python(), "-I", "-B", script]
    as_root = os.geteuid() == 0
    processes = limits.processes if as_root else _user_processes(os.geteuid()) + limits.processes
    user: int | None = None
    if how is Isolation.BUBBLEWRAP:
        if as_root:
            # bubblewrap sets the sandbox up as root (it must read the Python installation,
            # which may sit in root's home); the code itself then runs as nobody, with no
            # capabilities and no way back (so the process limit applies to it).
            nobody = pwd.getpwnam("nobody")
            argv = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}",
                    "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                    "--no-new-privs", "--", *argv]  # fmt: skip
        cmd = _bwrap_command(workdir, argv)
        cwd: str | None = None
        env: dict[str, str] = {}
    else:
        cmd, cwd = argv, str(workdir)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(workdir), "PYTHONHASHSEED": "0"}
        if as_root and _others_can_run(argv[0]):
            user = pwd.getpwnam("nobody").pw_uid
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True, user=user, group=user,
        extra_groups=[] if user is not None else None,
        preexec_fn=lambda: _rlimits(limits, processes),
    )  # fmt: skip
    out, err = bytearray(), bytearray()
    stopped: Status | None = None
    detail = ""
    assert proc.stdout is not None and proc.stderr is not None
    streams: dict[IO[bytes], bytearray] = {proc.stdout: out, proc.stderr: err}
    try:
        while streams:
            left = limits.wall_seconds - (time.monotonic() - start)
            if left <= 0:
                stopped, detail = Status.TIMED_OUT, f"ran past {limits.wall_seconds:g} s"
                break
            ready, _, _ = select.select(list(streams), [], [], min(left, 0.5))
            for stream in ready:
                piece = os.read(stream.fileno(), 65536)
                if not piece:
                    del streams[stream]
                    continue
                buf = streams[stream]
                buf += piece
                if len(out) + len(err) > limits.output_bytes:
                    stopped = Status.OUTPUT_TRUNCATED
                    detail = f"printed more than {limits.output_bytes:,} bytes"
                    break
            if stopped:
                break
        if stopped is None:
            try:
                proc.wait(timeout=max(0.1, limits.wall_seconds - (time.monotonic() - start)))
            except subprocess.TimeoutExpired:
                stopped, detail = Status.TIMED_OUT, f"ran past {limits.wall_seconds:g} s"
    finally:
        if proc.poll() is None:
            _kill(proc)
        proc.stdout.close()
        proc.stderr.close()
    seconds = time.monotonic() - start
    text_out = bytes(out[: limits.output_bytes]).decode("utf-8", "replace")
    text_err = bytes(err[: limits.output_bytes]).decode("utf-8", "replace")
    return stopped, proc.returncode, text_out, text_err, seconds, how, detail


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the whole session (every process it started), then reap."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def run_tests(
    code: str,
    tests: str = "",
    examples: list[tuple[str, str]] | None = None,
    *,
    entry_point: str = "",
    limits: Limits = Limits(),
    allow_weak: bool | None = None,
) -> Verdict:
    """Run ``code`` against ``tests`` (a file of ``test_*`` functions, or a HumanEval-style
    ``check(candidate)`` with ``entry_point``) and ``examples`` ((expression, expected)
    pairs, e.g. from a docstring), in the sandbox. With neither, it passes if it exits 0."""
    if allow_weak is None:
        allow_weak = os.environ.get("SHOAL_SANDBOX", "").strip().lower() == "rlimits"
    with tempfile.TemporaryDirectory(prefix="shoal-sandbox-") as tmp:
        work = Path(tmp)
        (work / "solution.py").write_text(code, encoding="utf-8")
        (work / "tests.py").write_text(tests, encoding="utf-8")
        (work / "examples.json").write_text(json.dumps(examples or []), encoding="utf-8")
        (work / "runner.py").write_text(harness.SOURCE, encoding="utf-8")
        (work / "entry.txt").write_text(entry_point, encoding="utf-8")
        work.chmod(0o777)
        try:
            stopped, code_, out, err, seconds, how, detail = run_python(
                "runner.py", work, limits, allow_weak=allow_weak
            )
        except SandboxUnavailable as exc:
            return Verdict(Status.REFUSED, detail=str(exc))
        result_file = work / "result.json"
        raw = None
        if result_file.exists():
            try:
                raw = json.loads(result_file.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                raw = None
    return _verdict(stopped, code_, out, err, seconds, how, detail, raw)


def _verdict(
    stopped: Status | None, exit_code: int | None, out: str, err: str, seconds: float,
    how: Isolation, detail: str, raw: dict[str, object] | None,
) -> Verdict:  # fmt: skip
    v = Verdict(Status.FAILED, stdout=out[-20_000:], stderr=err[-20_000:], exit_code=exit_code,
                seconds=round(seconds, 3), isolation=how.value, detail=detail)  # fmt: skip
    if isinstance(raw, dict):
        v.passed = int(raw.get("passed") or 0)  # type: ignore[call-overload]
        v.total = int(raw.get("total") or 0)  # type: ignore[call-overload]
        v.failures = [TestFailure(**f) for f in raw.get("failures") or []]  # type: ignore[attr-defined]
    memory = "MemoryError" in err or any("MemoryError" in f.error for f in v.failures)
    forks = "Resource temporarily unavailable" in err or any(
        "BlockingIOError" in f.error for f in v.failures
    )
    sig = None
    if exit_code is not None and exit_code < 0:
        sig = -exit_code
    elif how is Isolation.BUBBLEWRAP and exit_code is not None and 128 < exit_code < 160:
        sig = exit_code - 128  # bubblewrap reports a child killed by signal N as 128 + N
    if stopped is not None:
        v.status = stopped
    elif memory:
        v.status, v.detail = Status.OUT_OF_MEMORY, "hit the memory limit"
    elif forks:
        v.status, v.detail = Status.KILLED, "hit the process limit; its processes were stopped"
    elif sig is not None:
        if sig == signal.SIGXCPU:
            v.status, v.detail = Status.TIMED_OUT, "used up its CPU time"
        else:
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
            v.status, v.detail = Status.KILLED, f"killed by signal {name}"
    elif raw is None:
        v.status = Status.FAILED
        v.detail = f"exited {exit_code} before the tests ran" + (
            "" if exit_code else " (the result was missing)"
        )
    elif (v.total and v.passed == v.total and not v.failures) or (
        not v.total and not v.failures and exit_code == 0
    ):
        v.status = Status.PASSED
    else:
        v.status = Status.FAILED
    return v
