"""The swarm protocol on scripted models: plan, chunk, dispatch, check, aggregate, resume."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shoal.errors import InputError, ShoalError
from shoal.haystack import FACTS, build
from shoal.models import ScriptedModel
from shoal.store import Store
from shoal.swarm import Document, Swarm, load_path, prompts
from shoal.swarm.aggregate import RETRYING
from shoal.swarm.chunk import chunk_document, coverage

from .scripted_swarm import excerpt, finder, lead, task

CODE = r"north vault of the Halvard (?:archive|annex) (?:is|was) (\d{5})"
QUESTION = FACTS[0].question


def count(text: str) -> int:
    return ScriptedModel().count_tokens(text)


def doc(tokens: int = 3000, seed: int = 1) -> Document:
    return Document("report.md", build(tokens, seed=seed, count=count).text)


def swarm(lead_model: ScriptedModel, worker: ScriptedModel, **kw) -> Swarm:  # type: ignore[no-untyped-def]
    kw.setdefault("chunk_tokens", 300)
    return Swarm(lead=lead_model, workers=worker, store=Store(), **kw)


# --- chunking ------------------------------------------------------------------------------
def test_chunks_cover_every_character_within_budget_with_offsets() -> None:
    d = doc(5000)
    chunks = chunk_document(d, count, 300, 40)
    assert coverage([d], chunks) == 1.0
    assert all(c.tokens <= 300 for c in chunks)
    assert all(d.text[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(d.text)
    # consecutive chunks overlap (or touch) so nothing falls between them
    assert all(b.start <= a.end for a, b in itertools.pairwise(chunks))
    assert any(b.start < a.end for a, b in itertools.pairwise(chunks))
    # chunks prefer paragraph ends
    ends = sum(d.text[c.end - 2 : c.end] == "\n\n" for c in chunks[:-1])
    assert ends >= len(chunks) // 2


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .\n"), min_size=1, max_size=3000),
    st.integers(16, 200),
    st.integers(0, 50),
)
def test_any_text_is_fully_covered(text: str, budget: int, overlap: int) -> None:
    d = Document("x", text)
    chunks = chunk_document(d, count, budget, overlap)
    assert coverage([d], chunks) == 1.0
    assert all(d.text[c.start : c.end] == c.text for c in chunks)


# --- the protocol ----------------------------------------------------------------------------
def test_swarm_finds_the_fact_with_a_verified_citation_and_skips_the_near_miss() -> None:
    d = doc(4000)
    worker = ScriptedModel(finder(CODE), name="worker")
    answer = swarm(lead(["Find the north vault code"], choose="archive is"), worker).ask(
        d, QUESTION
    )
    assert answer.answer == "48213"
    (cite,) = answer.citations
    assert d.text[cite.start : cite.end] == cite.text
    assert "48213" in cite.text and cite.document == "report.md"
    assert answer.coverage == 1.0
    assert answer.reports["supported"] >= 2  # the real code and the revoked one both verified
    assert answer.usage["worker"].calls == answer.jobs
    assert answer.usage["lead"].calls == 2  # plan + decision
    assert answer.lead_alone_tokens > 4000
    assert answer.usage["lead"].prompt_tokens < answer.lead_alone_tokens / 3


def test_invented_quotes_are_rejected_recorded_and_never_shown_to_the_lead() -> None:
    worker = ScriptedModel(finder(CODE, invent=True), name="worker")
    the_lead = lead()
    s = swarm(the_lead, worker)
    answer = s.ask(doc(2000), QUESTION)
    assert answer.reports["supported"] == 0
    assert answer.reports["rejected"] == answer.jobs
    assert "99999" not in the_lead.calls[-1][-1]["content"]
    jobs = s.store.get_jobs(answer.run_id)
    assert jobs and all(j["supported"] is False for j in jobs)
    assert {j["reason"] for j in jobs} == {"quote not found in the chunk"}
    assert answer.citations == []


def test_unusable_plan_falls_back_to_the_question_and_says_so() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    s = swarm(lead(bad_plan=True, choose="archive is"), worker)
    answer = s.ask(doc(), QUESTION)
    assert answer.plan[0]["tasks"] == [{"instruction": QUESTION, "advice": ""}]
    assert answer.plan[0]["fallback"]
    assert any("only task" in n for n in answer.notes)
    assert answer.answer == "48213"


def test_unusable_decision_falls_back_to_the_best_supported_answer() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    answer = swarm(lead(bad_decision=True), worker).ask(doc(), QUESTION)
    assert answer.answer in {"48213", "31977"}
    assert answer.citations and any("best-supported" in n for n in answer.notes)


def test_lead_can_ask_for_another_round_with_new_tasks() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(["first look"], more=["look again for the north vault"], choose="archive is")
    s = swarm(the_lead, worker, max_rounds=3)
    answer = s.ask(doc(), QUESTION)
    assert answer.rounds == 2 and answer.answer == "48213"
    jobs = s.store.get_jobs(answer.run_id)
    assert {j["round"] for j in jobs} == {1, 2}
    assert answer.plan[1]["tasks"][0]["instruction"] == "look again for the north vault"


def only_when_asked_about(word: str, pattern: str):  # type: ignore[no-untyped-def]
    """A worker that finds the fact only when its task mentions ``word``."""
    find = finder(pattern)
    return lambda messages: (
        find(messages)
        if word in task(messages)
        else json.dumps({"answer": "unclear", "quote": "something else", "confidence": 0.2})
    )


def test_a_round_with_nothing_verified_is_retried_with_the_question_itself() -> None:
    worker = ScriptedModel(only_when_asked_about("vault", CODE), name="worker")
    the_lead = lead(["first look"], choose="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(doc(), QUESTION)
    assert answer.rounds == 2 and answer.answer == "48213" and answer.citations
    assert answer.plan[1]["tasks"][0]["instruction"] == QUESTION
    state = s.store.get_run(answer.run_id)["state"]
    assert state["rounds"][0]["decision"]["answer"] == RETRYING
    assert len(the_lead.calls) == 2  # plan and final decision: the retry cost no lead call


def test_when_the_question_was_tried_the_lead_rewords_the_tasks() -> None:
    worker = ScriptedModel(only_when_asked_about("sentence with", CODE), name="worker")
    the_lead = lead([QUESTION], reword=["Copy the sentence with the north vault code"],
                    choose="archive is")  # fmt: skip
    answer = swarm(the_lead, worker).ask(doc(), QUESTION)
    assert answer.rounds == 2 and answer.answer == "48213"
    reworded = answer.plan[1]["tasks"][0]["instruction"]
    assert reworded == "Copy the sentence with the north vault code"


def test_with_nothing_new_to_try_the_answer_is_not_found() -> None:
    worker = ScriptedModel(only_when_asked_about("sentence with", CODE), name="worker")
    answer = swarm(lead([QUESTION], choose="archive is"), worker).ask(doc(), QUESTION)
    assert answer.rounds == 1 and "does not appear" in answer.answer and not answer.citations


def test_last_round_must_answer() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(["first"], more=["again"], choose="archive is")
    answer = swarm(the_lead, worker, max_rounds=1).ask(doc(), QUESTION)
    assert answer.rounds == 1
    assert "more" not in json.dumps(the_lead.options[-1].schema["properties"]["action"])


def test_failed_calls_are_retried_and_a_hopeless_job_is_reported() -> None:
    worker = ScriptedModel(finder(CODE), name="worker", faults=["error", "timeout", "malformed"])
    s = swarm(lead(choose="archive is"), worker, job_timeout=0.2, retries=2)
    answer = s.ask(doc(), QUESTION)
    assert answer.answer == "48213" and answer.reports["failed"] == 0
    # now a worker that always fails one chunk's job
    always = ScriptedModel(finder(CODE), name="worker2", faults=["error"] * 3)
    s2 = swarm(lead(choose="archive is"), always, retries=2, concurrency=1)
    answer2 = s2.ask(doc(), QUESTION)
    assert answer2.reports["failed"] == 1
    assert any("failed jobs" in n for n in answer2.notes)


def test_dead_backend_interrupts_the_run_and_resume_skips_finished_jobs() -> None:
    d = doc(4000)
    store = Store()
    broken = ScriptedModel(finder(CODE), name="worker", faults=[*["ok"] * 0])
    healthy_jobs = 5
    calls = {"n": 0}
    base = finder(CODE)

    def flaky(messages):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > healthy_jobs:
            from shoal.errors import BackendUnavailableError

            raise BackendUnavailableError("server died")
        return base(messages)

    broken = ScriptedModel(flaky, name="worker")
    s = Swarm(lead=lead(choose="archive is"), workers=broken, store=store, chunk_tokens=300,
              concurrency=1, retries=1)  # fmt: skip
    with pytest.raises(ShoalError, match="shoal resume"):
        s.ask(d, QUESTION)
    run = store.list_runs(1)[0]
    assert run["status"] == "interrupted"
    finished = [j for j in store.get_jobs(run["id"]) if j["status"] == "done"]
    assert len(finished) == healthy_jobs

    healthy = ScriptedModel(finder(CODE), name="worker")
    s2 = Swarm(lead=lead(choose="archive is"), workers=healthy, store=store, chunk_tokens=300)
    answer = s2.resume(run["id"])
    assert answer.answer == "48213"
    assert len(healthy.calls) == answer.jobs - healthy_jobs
    assert store.get_run(run["id"])["status"] == "done"
    # the plan was not made again
    assert answer.usage["lead"].calls == 2


# --- inputs -----------------------------------------------------------------------------------
def test_directory_input_cites_file_names(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(build(800, [], seed=2, count=count).text)
    (tmp_path / "b.md").write_text(build(800, seed=3, count=count).text)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\0\0")
    docs = load_path(tmp_path)
    assert [d.name for d in docs] == ["a.txt", "b.md"]
    worker = ScriptedModel(finder(CODE), name="worker")
    answer = swarm(lead(choose="archive is"), worker).ask(docs, QUESTION)
    assert answer.answer == "48213" and answer.citations[0].document == "b.md"


def test_bad_inputs_get_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"abc\0def")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(InputError, match="binary"):
        load_path(tmp_path / "bin.txt")
    with pytest.raises(InputError, match="not UTF-8"):
        load_path(tmp_path / "latin.txt")
    with pytest.raises(InputError, match="empty"):
        load_path(tmp_path / "empty.txt")
    with pytest.raises(InputError, match="no such file"):
        load_path(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="empty"):
        swarm(lead(), ScriptedModel()).ask("doc text", "   ")


CRASHING_RUN = """
import sys
from shoal.models import ScriptedModel
from shoal.store import Store
from shoal.swarm import Document, Swarm
from tests.scripted_swarm import finder, lead
text = open(sys.argv[1]).read()
worker = ScriptedModel(finder({code!r}), name="worker", latency=0.05)
Swarm(lead=lead(choose="archive is"), workers=worker, store=Store(), chunk_tokens=300,
      concurrency=1).ask(Document("report.md", text), {question!r})
"""


def test_a_run_killed_with_sigkill_resumes_without_redoing_finished_jobs(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    d = doc(6000)
    path = tmp_path / "report.md"
    path.write_text(d.text)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    script = CRASHING_RUN.format(code=CODE, question=QUESTION)
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)], env=env, cwd=root)
    store = Store()
    deadline = time.monotonic() + 60
    finished: list = []
    while time.monotonic() < deadline:
        runs = store.list_runs(1)
        if runs:
            finished = [j for j in store.get_jobs(runs[0]["id"]) if j["status"] == "done"]
            if len(finished) >= 8:
                break
        assert proc.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    run = store.list_runs(1)[0]
    assert run["status"] == "running"  # it never got to say otherwise
    before = {j["key"] for j in store.get_jobs(run["id"]) if j["status"] == "done"}
    assert len(before) >= 8

    healthy = ScriptedModel(finder(CODE), name="worker")
    answer = Swarm(lead=lead(choose="archive is"), workers=healthy, store=store,
                   chunk_tokens=300).resume(run["id"])  # fmt: skip
    assert answer.answer == "48213"
    assert len(healthy.calls) == answer.jobs - len(before)
    redone = {j["key"] for j in store.get_jobs(run["id"])} - before
    assert len(redone) == len(healthy.calls)


def test_a_lead_that_answers_right_but_cites_badly_still_gets_a_verified_citation() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")

    def sloppy(messages):  # type: ignore[no-untyped-def]
        if "Break the question" in messages[0]["content"]:
            return json.dumps({"tasks": [{"instruction": "Find the code", "advice": ""}]})
        return json.dumps({"action": "answer", "answer": "The code is 48213.", "evidence": ["[1]"]})

    answer = swarm(ScriptedModel(sloppy, name="lead"), worker).ask(doc(4000), QUESTION)
    assert answer.citations and all("48213" in c.text for c in answer.citations)
    assert not any("unverified" in n for n in answer.notes)


def test_a_lead_answer_with_no_verified_evidence_is_never_passed_on() -> None:
    worker = ScriptedModel(finder(CODE, invent=True), name="worker")

    def guesser(messages):  # type: ignore[no-untyped-def]
        if "Break the question" in messages[0]["content"]:
            return json.dumps({"tasks": [{"instruction": "Find the code", "advice": ""}]})
        return json.dumps({"action": "answer", "answer": "1234567890", "evidence": []})

    answer = swarm(ScriptedModel(guesser, name="lead"), worker).ask(doc(2000), QUESTION)
    assert "1234567890" not in answer.answer and "does not appear" in answer.answer
    assert answer.citations == []


def short_quoter(messages):  # type: ignore[no-untyped-def]
    """A worker that quotes the words before the value, not the value itself."""
    import re

    for sentence in re.split(r"(?<=\.)\s+", excerpt(messages)):
        m = re.search(CODE, sentence)
        if m:
            quote = sentence[: m.start(1)].strip()
            return json.dumps({"answer": m.group(1), "quote": quote, "confidence": 0.8})
    return json.dumps({"answer": None, "quote": None, "confidence": 0.1})


@pytest.mark.parametrize("cites", [True, False])
def test_a_quote_that_stops_short_of_the_value_is_widened_from_the_source(cites: bool) -> None:
    d = doc(3000)
    worker = ScriptedModel(short_quoter, name="worker")

    def the_lead(messages):  # type: ignore[no-untyped-def]
        if messages[0]["content"] == prompts.PLAN_SYSTEM:
            return json.dumps({"tasks": [{"instruction": "Find the code", "advice": ""}]})
        import re

        eid = re.search(r"\[(E\d+)\] answer: \"48213\"", messages[-1]["content"]).group(1)
        return json.dumps(
            {"action": "answer", "answer": "48213", "evidence": [eid] if cites else []}
        )

    answer = swarm(ScriptedModel(the_lead, name="lead"), worker).ask(d, QUESTION)
    (cite,) = answer.citations
    assert cite.text == "The access code for the north vault of the Halvard archive is 48213."
    assert d.text[cite.start : cite.end] == cite.text
    assert any("widened" in n for n in answer.notes)
    assert not any("unverified" in n for n in answer.notes)


def test_widen_to_finds_the_value_near_the_span_or_gives_up() -> None:
    from shoal.swarm.check import widen_to

    text = "Intro. The revoked code was 31977. The code is 48213. Later text 99999 here."
    start = text.index("The code is")
    end = start + len("The code is")
    assert text[slice(*widen_to(text, start, end, ["48213"]))] == "The code is 48213."
    assert text[slice(*widen_to(text, start, end, ["31977"]))] == (
        "The revoked code was 31977. The code is"
    )  # fmt: skip
    assert widen_to(text, start, end, ["12345"]) is None
    assert widen_to(text, start, end, ["4821"]) is None  # whole tokens only
    assert widen_to(text, start, end, ["99999"], chars=10) is None  # too far away


def test_unloop_drops_only_a_whole_repetition() -> None:
    from shoal.swarm.check import unloop

    assert unloop("The code is 7. The code is 7. The code") == "The code is 7."
    assert unloop("a b c a b") == "a b c"
    assert unloop("no no no") == "no no no"  # shorter than the minimum period
    assert unloop("a b c d a b x") == "a b c d a b x"  # not wholly periodic
    # answers: only when said (more than) twice over, so "the cat saw the cat" stays
    assert unloop("the cat saw the cat", repeats=2) == "the cat saw the cat"
    assert unloop("code 7 is it. code 7 is it. code 7", repeats=2) == "code 7 is it."
    assert unloop("The vault code is 48213.") == "The vault code is 48213."


def test_a_paraphrased_opening_is_trimmed_to_the_verbatim_part_but_inventions_are_not() -> None:
    from shoal.swarm.check import ChunkIndex, check
    from shoal.swarm.chunk import Chunk

    text = "Please remember: my locker combination is 7-31-19. The weather was fine."
    chunk = Chunk(0, "d", "d.txt", 0, len(text), text, 20)
    index = ChunkIndex([chunk], {"d": text})

    def verdict(answer: str, quote: str) -> tuple[bool, str]:
        r = check({"answer": answer, "quote": quote, "confidence": 0.9}, job_key="k", round_=1,
                  task_index=0, chunk=chunk, index=index)  # fmt: skip
        cited = text[r.start : r.end] if r.supported else ""
        return r.supported, cited

    assert verdict("7-31-19", "The locker combination is 7-31-19.") == (
        True, "locker combination is 7-31-19"
    )  # fmt: skip
    # the value is not in the verbatim part: rejected
    assert verdict("7-31-20", "The locker combination is 7-31-20.")[0] is False
    # a greedy loop cut off by max_tokens: the repeated tail goes, the rest is checked as usual
    assert verdict("7-31-19. 7-31-19.", "The locker combination is 7-31-19. The locker") == (
        True, "locker combination is 7-31-19"
    )  # fmt: skip
    assert verdict("7-31-19", "my locker combination is 7-31-19. my locker combination is") == (
        True, "my locker combination is 7-31-19"
    )  # fmt: skip
    assert verdict("7-31-20", "The locker combination is 7-31-20. The locker")[0] is False
    # too little of the quote is verbatim: rejected
    assert (
        verdict("7-31-19", "Your safe at the bank uses the number 7-31-19 since May.")[0] is False
    )
