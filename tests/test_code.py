"""The write-run-fix loop on scripted models (the sandbox is real), and on the embedded
Qwen2.5-Coder-1.5B."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shoal.cli import cli
from shoal.code import Coder, docstring_examples, extract_code
from shoal.errors import InputError
from shoal.models import ScriptedModel, register
from shoal.sandbox import Status
from shoal.store import Store
from shoal.types import Message

from .conftest import need_model

BUGGY = "```python\ndef add(a, b):\n    return a - b\n```"
FIXED = "```python\ndef add(a, b):\n    return a + b\n```"
TESTS = (
    "def test_add():\n    assert add(2, 3) == 5\n\ndef test_zero():\n    assert add(0, 0) == 0\n"
)


def fixer(messages: list[Message]) -> str:
    """Writes a bug first; fixes it once told what failed."""
    return FIXED if "The code was run" in messages[-1]["content"] else BUGGY


def test_a_failing_draft_is_fixed_from_its_traceback() -> None:
    events = []
    coder = Coder(ScriptedModel(fixer, name="coder"), store=Store(), rounds=3,
                  on_event=events.append)  # fmt: skip
    result = coder.solve("Add two numbers.", tests=TESTS)
    assert result.passed and result.rounds == 2 and "a + b" in result.code
    first, second = result.attempts
    assert first.verdict.status is Status.FAILED and second.verdict.status is Status.PASSED
    assert "test_add" in first.verdict.feedback()
    # the model saw the failure it had to fix
    assert "AssertionError" in coder.model.calls[-1][-1]["content"]  # type: ignore[attr-defined]
    kinds = [e.kind for e in events]
    assert kinds[0] == "run" and kinds[-1] == "answer" and kinds.count("attempt") == 2
    streamed = "".join(e.data["text"] for e in events if e.kind == "code" and e.data["round"] == 1)
    assert "a - b" in streamed  # the code went out as it was written
    rows = coder.store.get_jobs(result.run_id)
    assert [r["kind"] for r in rows] == ["attempt", "attempt"]
    assert rows[0]["payload"]["verdict"]["status"] == "failed"
    run = coder.store.get_run(result.run_id)
    assert run["strategy"] == "code" and run["status"] == "done"
    assert result.usage["coder"].calls == 2


def test_a_model_that_never_passes_stops_after_its_rounds() -> None:
    coder = Coder(ScriptedModel(BUGGY, name="stubborn"), store=Store(), rounds=3)
    result = coder.solve("Add two numbers.", tests=TESTS)
    assert not result.passed and result.rounds == 3 and len(result.attempts) == 3
    assert result.verdict.status is Status.FAILED


def test_a_failed_repair_is_followed_by_a_fresh_draft_not_a_second_repair() -> None:
    writes = {"n": 0}

    def repairs_badly(messages: list[Message]) -> str:
        if "The code was run" in messages[-1]["content"]:
            return "```python\ndef add(a, b):\n    return a * b\n```"  # a repair, still wrong
        writes["n"] += 1
        return FIXED if writes["n"] == 2 else BUGGY  # only a second, fresh draft is right

    coder = Coder(ScriptedModel(repairs_badly, name="c"), store=Store(), rounds=4)
    result = coder.solve("Add two numbers.", tests=TESTS)
    assert result.passed and result.rounds == 3
    assert [a.mode for a in result.attempts] == ["write", "fix", "fresh"]
    # with a draft of the user's, round 1 repairs it and round 2 drafts afresh
    writes["n"] = 1
    coder = Coder(ScriptedModel(repairs_badly, name="c"), store=Store(), rounds=4)
    result = coder.solve("Add two numbers.", tests=TESTS, draft=BUGGY)
    assert result.passed and [a.mode for a in result.attempts] == ["draft", "fix", "fresh"]
    # with several candidates a round, every round after the first repairs
    from shoal.code.coder import round_mode

    best = result.attempts[0]
    assert [round_mode(r, candidates=4, has_draft=False, best=best) for r in (2, 3, 4)] == [
        "fix", "fix", "fix"]  # fmt: skip
    assert [round_mode(r, candidates=1, has_draft=False, best=best) for r in (2, 3, 4, 5)] == [
        "fix", "fresh", "fix", "fresh"]  # fmt: skip


def test_candidates_are_drafted_together_and_the_sandbox_picks() -> None:
    calls = {"n": 0}

    def varied(messages: list[Message]) -> str:
        calls["n"] += 1
        return FIXED if calls["n"] == 3 else BUGGY  # only the third draft is right

    coder = Coder(ScriptedModel(varied, name="many"), store=Store(), rounds=2, candidates=4)
    result = coder.solve("Add two numbers.", tests=TESTS)
    assert result.passed and result.rounds == 1 and len(result.attempts) == 4
    assert [a.verdict.ok for a in result.attempts] == [False, False, True, False]
    assert result.code == extract_code(FIXED)


def test_extra_candidates_are_sampled_only_after_the_greedy_draft_fails() -> None:
    calls = {"n": 0}

    def counting(messages: list[Message]) -> str:
        calls["n"] += 1
        return FIXED

    coder = Coder(ScriptedModel(counting, name="c"), store=Store(), rounds=2, candidates=4)
    result = coder.solve("Add two numbers.", tests=TESTS)
    assert result.passed and len(result.attempts) == 1 and calls["n"] == 1  # no samples paid
    calls["n"] = 0
    eager = Coder(ScriptedModel(counting, name="c"), store=Store(), rounds=2, candidates=4,
                  sample_when="always")  # fmt: skip
    result = eager.solve("Add two numbers.", tests=TESTS)
    assert result.passed and len(result.attempts) == 4 and calls["n"] == 4
    with pytest.raises(InputError):
        Coder(ScriptedModel(counting, name="c"), store=Store(), sample_when="sometimes")


def test_without_tests_the_docstring_examples_are_the_tests() -> None:
    prompt = ('def add(a, b):\n    """Add.\n    >>> add(2, 3)\n    5\n    >>> add(-1, 1)\n'
              '    0\n    """\n')  # fmt: skip
    assert docstring_examples(prompt, "add") == [("add(2, 3)", "5"), ("add(-1, 1)", "0")]
    assert docstring_examples("f(3) == 9\nf(2) ➞ 4\nnot code ➞ (\n", "f") == [
        ("f(3)", "9"), ("f(2)", "4")]  # fmt: skip
    coder = Coder(ScriptedModel(fixer, name="coder"), store=Store(), rounds=2)
    result = coder.solve("", prompt=prompt, entry_point="add")
    assert result.passed and result.rounds == 2
    assert result.attempts[0].verdict.total == 2


def test_examples_are_read_in_the_forms_docstrings_write_them() -> None:
    def ex(doc: str, sig: str = "f(x)") -> list[tuple[str, str]]:
        return docstring_examples(f'def {sig}:\n    """Doc.\n{doc}\n    """\n', sig.split("(")[0])

    # arrows, with a bullet, a leading "for", a JavaScript boolean or a trailing comment
    doc = "f(1) ==> True\n* f([]) => []\nfor f(2) == 3\nf(4) => true\nf(5)  # returns 'a'"
    assert ex(doc) == [("f(1)", "True"), ("f([])", "[]"), ("f(2)", "3"), ("f(4)", "True"),
                       ("f(5)", "'a'")]  # fmt: skip
    # a doctest line that is itself the comparison
    assert ex(">>> f([1, 2]) == 2\n>>> f([]) == None") == [("f([1, 2])", "2"), ("f([])", "None")]
    # prose: Input/Output with the parameters by name, or one bare argument; "For ... the
    # output should be"
    assert ex("Input: arr = [1, 2], k = 3\nOutput: [2]\nInput: k = 1, arr = []\nOutput: []",
              "g(arr, k)") == [("g(arr=[1, 2], k=3)", "[2]"), ("g(k=1, arr=[])", "[]")]  # fmt: skip
    assert ex("Input: [4,2,3]\nOutput: [2, 1]") == [("f([4, 2, 3])", "[2, 1]")]
    assert ex('For num = "AB" the output should be 1.', "h(num)") == [("h(num='AB')", "1")]
    # f(x) = y only with literal values that agree on their type
    assert ex("f(12, 15) = 14\nf(13, 12) = -1") == [("f(12, 15)", "14"), ("f(13, 12)", "-1")]


def test_example_forms_that_may_not_be_tests_are_left_out() -> None:
    def ex(doc: str, sig: str = "f(x)") -> list[tuple[str, str]]:
        return docstring_examples(f'def {sig}:\n    """Doc.\n{doc}\n    """\n', sig.split("(")[0])

    # a recurrence, and a call on a name: definitions, not tests
    assert ex("f(n) == f(n-1) + f(n-2)\nf(a) => False") == []
    # HumanEval/130: statements about the sequence beside a call that returns a list
    assert ex("f(1) = 3\nf(n) = 1 + n / 2, if n is even.\nf(2) = 1 + (2 / 2) = 2\n"
              "f(4) = 3\nf(3) = [1, 3, 2, 8]") == []  # fmt: skip
    # prose arguments that are not the function's parameters, or not literals
    assert ex("Input: grid = [[1]], k = 1\nOutput: [1]", "g(arr, k)") == []
    assert ex("Input: n\nOutput: 3") == []
    # another function's calls
    assert ex("g(1) ==> 2\n>>> g(1) == 2") == []


def test_an_interrupted_code_run_resumes_without_redoing_rounds() -> None:
    from shoal.errors import BackendUnavailableError, ShoalError

    store = Store()
    calls = {"n": 0}

    def dies(messages: list[Message]) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise BackendUnavailableError("server went away")
        return fixer(messages)

    with pytest.raises(ShoalError):
        Coder(ScriptedModel(dies, name="coder"), store=store, rounds=3).solve(
            "Add two numbers.", tests=TESTS)  # fmt: skip
    run = store.list_runs(1)[0]
    assert run["status"] == "failed" and len(store.get_jobs(run["id"])) == 1
    healthy = ScriptedModel(fixer, name="coder")
    result = Coder(healthy, store=store, rounds=3).resume(run["id"])
    assert result.passed and len(result.attempts) == 2 and len(healthy.calls) == 1


def test_shoal_code_streams_and_reports(tmp_path: Path) -> None:
    register("scripted:fixer", ScriptedModel(fixer, name="fixer"))
    tests = tmp_path / "test_add.py"
    tests.write_text(TESTS)
    runner = CliRunner()
    r = runner.invoke(cli, ["code", "Add two numbers.", "--tests", str(tests), "--model",
                            "scripted:fixer", "--rounds", "3"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "a - b" in r.stdout and "a + b" in r.stdout and "passed" in r.stdout
    j = runner.invoke(cli, ["code", "Add two numbers.", "--tests", str(tests), "--model",
                            "scripted:fixer", "--json"])  # fmt: skip
    out = json.loads(j.stdout)
    assert out["passed"] and out["rounds"] == 2
    shown = runner.invoke(cli, ["show", out["run_id"]])
    assert "round 1" in shown.stdout and "failed" in shown.stdout and "passed" in shown.stdout


@pytest.mark.real
def test_qwen_fixes_a_failing_function_within_its_rounds() -> None:
    need_model("qwen2.5-coder-1.5b")
    tests = (
        "def test_odd():\n    assert median([3, 1, 2]) == 2\n"
        "def test_even():\n    assert median([4, 1, 3, 2]) == 2.5\n"
    )
    # the user's draft: right for odd lengths, wrong for even ones
    draft = "def median(xs):\n    xs = sorted(xs)\n    return xs[len(xs) // 2]\n"
    coder = Coder("qwen2.5-coder-1.5b", store=Store(), rounds=3)
    result = coder.solve("Fix median: the median of an even-length list is the mean of its two "
                         "middle values.", tests=tests, entry_point="median",
                         draft=draft)  # fmt: skip
    first = result.attempts[0]
    assert first.round == 0 and first.verdict.passed == 1 and first.verdict.total == 2
    assert "median([4, 1, 3, 2]) is 3" in first.verdict.feedback()  # values, like pytest
    assert result.passed, [a.verdict.feedback() for a in result.attempts]
    assert 1 <= result.rounds <= 3
    assert result.usage["coder"].completion_tokens > 0


def test_a_draft_is_run_first_and_fixed_without_a_first_write() -> None:
    coder = Coder(ScriptedModel(fixer, name="coder"), store=Store(), rounds=3)
    result = coder.solve("Add two numbers.", tests=TESTS, draft=BUGGY)
    assert result.passed and result.rounds == 1
    draft, fix = result.attempts
    assert (draft.round, draft.model) == (0, "draft") and not draft.verdict.ok
    assert fix.round == 1 and fix.verdict.ok
    assert "add(2, 3) is -1" in draft.verdict.feedback()
    assert result.usage["coder"].calls == 1  # the draft cost no model call


def test_a_repeated_fix_is_resampled_and_code_is_read_out_of_uneven_fences() -> None:
    assert extract_code("# why\ndef f():\n    return 1\n```\n\nThis is prose. It works.") == (
        "# why\ndef f():\n    return 1\n"
    )
    replies = iter([BUGGY, BUGGY, FIXED])
    coder = Coder(ScriptedModel(lambda _m: next(replies), name="c"), store=Store(), rounds=2)
    result = coder.solve("Add two numbers.", tests=TESTS)
    # round 2 first wrote round 1's code again; it was resampled instead of run twice
    assert result.passed and result.rounds == 2 and len(result.attempts) == 2


@pytest.mark.server
def test_the_loop_over_the_api_streams_code_and_verdicts_per_tenant(tmp_path: Path) -> None:
    from shoal.server import Settings
    from shoal.server.auth import create_key

    from .serving import http, running, sse

    register("scripted:api-fixer", ScriptedModel(fixer, name="api-fixer"))
    settings = Settings(db=str(tmp_path / "c.db"), lead="scripted:api-fixer",
                        worker="scripted:api-fixer", max_concurrent_per_key=1)  # fmt: skip
    with running(settings) as srv:
        _, key = create_key(srv.store, "coder")
        _, other = create_key(srv.store, "other")
        status, run = http("POST", f"{srv.v1}/code", key,
                           {"task": "Add two numbers.", "tests": TESTS, "rounds": 3})  # fmt: skip
        assert status == 202 and run["strategy"] == "code"
        events = sse(f"{srv.v1}/runs/{run['id']}/events", key)
        kinds = [e["event"] for e in events]
        assert "code" in kinds and kinds.count("attempt") == 2 and kinds[-1] == "end"
        answer = next(e["data"]["data"] for e in events if e["event"] == "answer")
        assert answer["passed"] and "a + b" in answer["code"]
        assert http("GET", f"{srv.v1}/runs/{run['id']}", other)[0] == 404
        record = http("GET", f"{srv.v1}/runs/{run['id']}", key)[1]
        assert record["status"] == "done" and record["answer"] == "code passed"
        assert (
            http("POST", f"{srv.v1}/code", key, {"task": "x", "model": "openai:gpt-4o"})[0] == 404
        )
        bad = http("POST", f"{srv.v1}/code", key, {"task": "x", "rounds": 99})
        assert bad[0] == 422
