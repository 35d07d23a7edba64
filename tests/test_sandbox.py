"""Model-written code that tries to get out must be contained, get a typed verdict, and leave
nothing running: the network, the database, /etc/shadow, writes outside its directory, a
fork bomb, 4 GB of memory, an endless loop, 100 MB of output, a child left behind."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from shoal.sandbox import Limits, Status, isolation, run_tests
from shoal.sandbox import sandbox as sandbox_module

FAST = Limits(wall_seconds=8, cpu_seconds=4)


def _needs_sandbox() -> None:
    if isolation() is None:
        pytest.fail("bubblewrap is not usable here: `make test` installs it (apt-get install "
                    "bubblewrap)")  # fmt: skip


def _nothing_left() -> None:
    """No process of the sandbox's user is still running."""
    time.sleep(0.3)
    left = subprocess.run(["pgrep", "-u", "nobody", "-a"], capture_output=True, text=True)
    assert left.stdout.strip() == "", left.stdout


def test_it_cannot_reach_a_server_on_loopback() -> None:
    _needs_sandbox()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    got: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            got.append(server.accept())

    t = threading.Thread(target=accept)
    t.start()
    code = ("import socket\ndef reach():\n    s = socket.create_connection(('127.0.0.1', "
            f"{port}), timeout=2)\n    s.sendall(b'hello')\n")  # fmt: skip
    v = run_tests(code, tests="def test_reach():\n    reach()\n", limits=FAST)
    t.join()
    server.close()
    assert v.status is Status.FAILED and not got
    assert any(e in v.failures[0].error for e in ("refused", "unreachable", "OSError"))
    _nothing_left()


def test_it_cannot_read_the_database_or_shadow_nor_write_outside(isolated_db: Path) -> None:
    _needs_sandbox()
    isolated_db.write_text("the shoal database")
    code = (
        "import os\n"
        f"def read_db():\n    return open({str(isolated_db)!r}).read()\n"
        "def read_shadow():\n    return open('/etc/shadow').read()\n"
        "def write_out():\n    open('/tmp/../usr/escaped', 'w').write('x')\n"
        f"def write_home():\n    open({str(Path.home() / 'escaped')!r}, 'w').write('x')\n"
        "def write_here():\n    open('mine.txt', 'w').write('ok')\n    return True\n"
    )
    tests = ("def test_db():\n    read_db()\n" "def test_shadow():\n    read_shadow()\n"
             "def test_out():\n    write_out()\n" "def test_home():\n    write_home()\n"
             "def test_here():\n    assert write_here()\n")  # fmt: skip
    v = run_tests(code, tests=tests, limits=FAST)
    assert v.status is Status.FAILED and v.passed == 1 and v.total == 5
    assert {f.test for f in v.failures} == {"test_db", "test_shadow", "test_out", "test_home"}
    assert not (Path.home() / "escaped").exists() and not Path("/usr/escaped").exists()
    _nothing_left()


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("import os\nwhile True:\n    os.fork()\n", Status.KILLED),
        ("x = bytearray(4 * 1024 ** 3)\n", Status.OUT_OF_MEMORY),
        ("while True:\n    pass\n", Status.TIMED_OUT),
        ("import time\ntime.sleep(1000)\n", Status.TIMED_OUT),
        ("import sys\nfor _ in range(100):\n    sys.stdout.write('x' * (1 << 20))\n",
         Status.OUTPUT_TRUNCATED),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", Status.KILLED),
    ],
    ids=["fork-bomb", "4gb", "endless-loop", "sleep", "100mb-output", "self-kill"],
)  # fmt: skip
def test_runaway_code_gets_its_typed_verdict_and_leaves_nothing(code: str, status: Status) -> None:
    _needs_sandbox()
    start = time.monotonic()
    v = run_tests(code, limits=FAST)
    assert v.status is status, (v.status, v.detail, v.stderr[-300:])
    assert time.monotonic() - start < 30
    _nothing_left()


def test_a_child_process_left_behind_dies_with_the_sandbox() -> None:
    _needs_sandbox()
    # a duration no other process on the machine would sleep for (a plain "sleep 300"
    # elsewhere once failed this test)
    mark = f"{300 + os.getpid() % 1000 / 1000:.3f}"
    code = f"import subprocess\nsubprocess.Popen(['sleep', '{mark}'])\n"
    v = run_tests(code, limits=FAST)
    assert v.status is Status.PASSED
    _nothing_left()
    assert (
        f"sleep {mark}" not in subprocess.run(["ps", "ax"], capture_output=True, text=True).stdout
    )


def test_tests_and_examples_are_run_and_failures_carry_tracebacks() -> None:
    _needs_sandbox()
    code = "def add(a, b):\n    return a + b if a < 10 else a - b\n"
    v = run_tests(code, tests="def test_small():\n    assert add(1, 2) == 3\n"
                  "def test_big():\n    assert add(20, 2) == 22\n",
                  examples=[("add(2, 2)", "4")], limits=FAST)  # fmt: skip
    assert v.status is Status.FAILED and (v.passed, v.total) == (2, 3)
    (f,) = v.failures
    assert f.test == "test_big" and "AssertionError" in f.error and "add(20, 2)" in f.traceback
    assert "test_big" in v.feedback()
    humaneval = run_tests(code, tests="def check(candidate):\n    assert candidate(1, 2) == 3\n",
                          entry_point="add", limits=FAST)  # fmt: skip
    assert humaneval.status is Status.PASSED
    broken = run_tests("def add(a, b) return a + b\n", limits=FAST)
    assert broken.status is Status.FAILED and "SyntaxError" in broken.failures[0].error


def test_without_strong_isolation_it_refuses_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox_module, "isolation", lambda: None)
    v = run_tests("print('hi')\n", limits=FAST)
    assert v.status is Status.REFUSED and "bubblewrap" in v.detail
    weak = run_tests("def f():\n    return 1\n", tests="def test_f():\n    assert f() == 1\n",
                     limits=FAST, allow_weak=True)  # fmt: skip
    assert weak.status is Status.PASSED and weak.isolation == "rlimits only"
