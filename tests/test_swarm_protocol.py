"""The swarm protocol on scripted models: plan, chunk, dispatch, check, aggregate, resume."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus.haystack import FACTS, build
from shoal.errors import InputError, ShoalError
from shoal.models import ScriptedModel
from shoal.store import Store
from shoal.swarm import Document, Swarm, load_path, prompts
from shoal.swarm.aggregate import NOT_FOUND, UNSURE, WEAK
from shoal.swarm.check import REJECT_NO_VALUE, REJECT_NOT_FOUND, REJECT_RESTATES
from shoal.swarm.chunk import chunk_document, coverage
from shoal.swarm.confidence import UNJUDGED
from shoal.swarm.find import MIN_READS, RETRYING
from shoal.types import Message

from .scripted_swarm import CODE, excerpt, finder, joint_read, lead, passage, task

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
def lead_calls(the_lead: ScriptedModel, system: str) -> int:
    return sum(1 for c in the_lead.calls if c[0]["content"] == system)


def test_a_fact_is_found_confirmed_by_the_lead_and_the_near_miss_refuted() -> None:
    d = doc(4000)
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(["Find the north vault code"], choose="archive is")
    answer = swarm(the_lead, worker).ask(d, QUESTION)
    assert answer.answer == "48213"
    (cite,) = answer.citations
    assert d.text[cite.start : cite.end] == cite.text
    assert "48213" in cite.text and cite.document == "report.md"
    assert answer.coverage == 1.0
    assert answer.reports["supported"] >= 2  # the real code and the revoked one both verbatim
    # the revoked code's sentence says so: it is no candidate to confirm; the candidate's
    # passage leads the opening excerpt, which holds at least MIN_READS places, so one read
    # of it settles the search
    reads = answer.escalation["reads"]
    assert reads == 1 and answer.escalation["passages"] >= MIN_READS
    assert answer.escalation["confirmed"] >= 1
    assert lead_calls(the_lead, prompts.EXCERPT_SYSTEM) == 1
    assert answer.confidence >= 0.8
    assert answer.usage["worker"].calls == answer.jobs
    # the question is the workers' task (no planning call); the lead's other calls are the
    # re-reads, one wording of the answer for the search (this scripted lead gives none)
    # and the judgement: the value's sentence read once (one value has one order), the
    # two questions asked apart about it, and the lone value read beside its neighbours
    # (the other codes nearby, in both orders)
    assert answer.usage["lead"].calls == reads + 1 + 3 + 2
    assert lead_calls(the_lead, prompts.WORDING_SYSTEM) == 1
    assert lead_calls(the_lead, prompts.SUPPORT_SYSTEM) == 1
    assert lead_calls(the_lead, prompts.SUPPORT_STRICT_SYSTEM) == 1
    assert lead_calls(the_lead, prompts.PLAN_SYSTEM) == 0
    assert answer.plan[0]["tasks"][0]["instruction"] == QUESTION
    # the excerpt is the one re-read; the judgement's joint reads are the other read calls
    assert lead_calls(the_lead, prompts.READ_SYSTEM) == reads - 1 + 1 + 2
    assert answer.lead_alone_tokens > 4000
    assert answer.usage["lead"].prompt_tokens < answer.lead_alone_tokens / 2


def test_invented_quotes_are_rejected_and_the_lead_finds_the_fact_by_relevance() -> None:
    """Every worker invents: nothing they say is shown to the lead. BM25 points the lead
    at the passages most like the question, and its verified re-read answers."""
    worker = ScriptedModel(finder(CODE, invent=True), name="worker")
    the_lead = lead(choose="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(doc(2000), QUESTION)
    assert answer.reports["supported"] == 0
    assert answer.reports["rejected"] == answer.jobs
    assert all("99999" not in m["content"] for call in the_lead.calls for m in call)
    jobs = [j for j in s.store.get_jobs(answer.run_id) if j["kind"] == "worker"]
    assert jobs and all(j["supported"] is False for j in jobs)
    assert {j["reason"] for j in jobs} == {REJECT_NOT_FOUND}
    assert answer.answer == "48213" and answer.citations
    # found by the lead alone: no worker corroborated it, and the basis says so
    assert answer.confidence >= 0.5
    assert answer.confidence_basis and answer.confidence_basis["workers"] == 0
    reads = [j for j in s.store.get_jobs(answer.run_id) if j["kind"] == "read"]
    assert reads and all(j["model"] == "lead" for j in reads)


def test_a_quote_without_the_value_is_no_evidence_but_points_the_lead_to_it() -> None:
    d = doc(3000)
    worker = ScriptedModel(short_quoter, name="worker")
    the_lead = lead(choose="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(d, QUESTION)
    jobs = [j for j in s.store.get_jobs(answer.run_id) if j["kind"] == "worker"]
    assert any(j["reason"] == REJECT_NO_VALUE for j in jobs)
    assert answer.reports["supported"] == 0
    (cite,) = answer.citations  # the lead's own verified quote, not a widened fragment
    assert cite.text == "The access code for the north vault of the Halvard archive is 48213"
    assert d.text[cite.start : cite.end] == cite.text
    assert not any("widened" in n for n in answer.notes)


def test_an_answer_that_restates_the_question_is_never_evidence() -> None:
    def restating(messages):  # type: ignore[no-untyped-def]
        quote = "The access code for the north vault of the Halvard archive"
        if quote in excerpt(messages):
            return json.dumps({"answer": "north vault of the Halvard archive", "quote": quote,
                               "confidence": 0.9})  # fmt: skip
        return json.dumps({"answer": None, "quote": None, "confidence": 0.0})

    s = swarm(lead(choose="archive is", bad_read=True), ScriptedModel(restating, name="w"))
    answer = s.ask(doc(3000), QUESTION)
    reasons = {j["reason"] for j in s.store.get_jobs(answer.run_id) if j["answer"]}
    assert REJECT_RESTATES in reasons
    assert "Halvard archive" not in answer.answer and not answer.citations


def test_a_worker_fooled_by_the_near_miss_is_overruled_on_re_reading() -> None:
    """Workers report only the revoked code; the lead's re-read refutes it and BM25's
    passages give the real one."""
    revoked = r"north vault of the Halvard annex was (\d{5})"
    worker = ScriptedModel(finder(revoked), name="worker")
    answer = swarm(lead(choose="archive is"), worker).ask(doc(4000), QUESTION)
    assert answer.answer == "48213"
    assert "31977" not in answer.answer
    assert all("48213" in c.text for c in answer.citations)


def test_a_value_the_lead_says_is_not_the_answer_when_asked_apart_is_withheld() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="archive is", doubts="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(doc(3000), QUESTION)
    # not "no verified evidence": there was some, and it was judged too unsure
    assert answer.answer == WEAK and not answer.citations
    assert any("not settled" in n and "48213" in n for n in answer.notes)
    (judged,) = [j for j in s.store.get_jobs(answer.run_id) if j["kind"] == "judge"]
    assert judged["answer"] == "48213" and "48213" in judged["quote"]
    assert judged["confidence"] < 0.5
    payload = judged["payload"]
    assert payload["support"] == [0.0, 0.0] and payload["exact"] is False
    # who named the pick is stored for the next fit of the confidence model
    agreement = payload["agreement"]
    assert agreement["values"] == 1 and agreement["workers"] >= 1
    assert agreement["rereads"] + agreement["whole"] >= 1


def test_a_document_without_the_fact_gets_not_found_not_a_near_miss() -> None:
    from benchmarks.corpus.haystack import Fact

    only_misses = Fact(QUESTION, "48213", FACTS[0].distractors[1], FACTS[0].distractors,
                       FACTS[0].wrong)  # fmt: skip
    text = build(3000, [only_misses], seed=4, count=count).text
    assert "48213" not in text
    worker = ScriptedModel(finder(CODE), name="worker")
    answer = swarm(lead(choose="archive is"), worker).ask(text, QUESTION)
    assert answer.answer == NOT_FOUND and not answer.citations
    assert answer.confidence == 0.0
    assert "31977" not in answer.answer


def test_a_small_input_is_read_whole_by_the_stronger_model_and_no_worker_runs() -> None:
    d = doc(2000)
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="archive is", whole="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(d, QUESTION)
    assert answer.answer == "48213" and answer.confidence >= 0.8
    (cite,) = answer.citations
    assert d.text[cite.start : cite.end] == cite.text and "48213" in cite.text
    assert answer.jobs == 0 and worker.calls == []
    assert answer.escalation["whole_read"] and answer.escalation["spent_tokens"] > 2000
    assert lead_calls(the_lead, prompts.WHOLE_SYSTEM) == 1
    assert any("read it whole" in n for n in answer.notes)
    # the read is a stored job: resuming the finished run asks nothing again
    again = s.resume(answer.run_id)
    assert again.answer == "48213" and lead_calls(the_lead, prompts.WHOLE_SYSTEM) == 1


def test_a_small_input_read_whole_without_the_fact_is_not_found() -> None:
    from benchmarks.corpus.haystack import Fact

    only_misses = Fact(QUESTION, "48213", FACTS[0].distractors[1], FACTS[0].distractors,
                       FACTS[0].wrong)  # fmt: skip
    text = build(2000, [only_misses], seed=4, count=count).text
    worker = ScriptedModel(finder(CODE), name="worker")
    answer = swarm(lead(choose="archive is", whole="archive is"), worker).ask(text, QUESTION)
    assert answer.answer == NOT_FOUND and not answer.citations and answer.jobs == 0
    assert any("does not state the answer" in n for n in answer.notes)


def test_a_whole_read_of_a_near_miss_is_set_aside_and_the_workers_read_on() -> None:
    """The whole read reports the revoked code: its sentence says so, so it is no answer,
    and the usual rounds (workers, re-reads) find the current one."""
    worker = ScriptedModel(finder(CODE), name="worker")
    answer = swarm(lead(choose="archive is", whole="annex was"), worker).ask(doc(2000), QUESTION)
    assert answer.answer == "48213" and answer.jobs > 0 and worker.calls
    assert any("read it whole" in n and "the workers read it too" in n for n in answer.notes)
    assert any("'31977' set aside" in n for n in answer.notes)


def test_a_whole_read_whose_value_was_set_aside_looks_again_told_why() -> None:
    """Measured (invoices, fresh7): read whole, the lead answered last quarter's price; the
    rules set it aside, and the windows re-read after it held only quantities. A second
    whole read, told which value was set aside and why, finds the current one; resuming
    asks nothing again."""
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="archive is", whole="annex was", second="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(doc(2000), QUESTION)
    assert answer.answer == "48213" and answer.jobs == 0 and worker.calls == []
    assert lead_calls(the_lead, prompts.SECOND_LOOK_SYSTEM) == 1
    told = next(m for m in the_lead.calls if m[0]["content"] == prompts.SECOND_LOOK_SYSTEM)
    assert '"31977"' in told[-1]["content"] and "marked" in told[-1]["content"]
    assert any("read the input whole again" in n and "'31977'" in n for n in answer.notes)
    assert answer.escalation["passages"] == 2 and answer.escalation["second_look"]
    again = s.resume(answer.run_id)
    assert again.answer == "48213" and lead_calls(the_lead, prompts.SECOND_LOOK_SYSTEM) == 1


def test_a_whole_read_whose_value_was_judged_unsure_is_not_read_again() -> None:
    """A whole read whose value the word rules let through and the judgement withheld is
    an abstention at once: told it was judged unsure, the 1.5B lead gave no new value in
    119 of 119 stored runs, for the tokens of a second whole read. The run does not reach
    for the workers either: the stronger model read everything they would."""
    both = r"(?:north|south) vault of the Halvard archive is (\d{5})"
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="north", finds=both, whole="south", second="north", doubts="south")
    s = swarm(the_lead, worker)
    answer = s.ask(doc(2000), QUESTION)
    assert "66120" not in answer.answer and not answer.citations
    assert answer.jobs == 0 and worker.calls == []
    assert lead_calls(the_lead, prompts.SECOND_LOOK_SYSTEM) == 0
    assert not answer.escalation["second_look"]
    judged = [j["key"] for j in s.store.get_jobs(answer.run_id) if j["kind"] == "judge"]
    assert judged == ["r1-judge"]
    again = s.resume(answer.run_id)
    assert again.answer == answer.answer and lead_calls(the_lead, prompts.WHOLE_SYSTEM) == 1


def test_an_escalation_budget_below_the_input_means_no_whole_read() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="archive is", whole="archive is")
    answer = swarm(the_lead, worker, escalation_tokens=800).ask(doc(2000), QUESTION)
    assert lead_calls(the_lead, prompts.WHOLE_SYSTEM) == 0 and answer.jobs > 0
    assert not answer.escalation["whole_read"]


def test_a_long_input_opens_its_re_reading_with_one_excerpt_of_the_likeliest_places() -> None:
    """Workers that find nothing: the stronger model reads BM25's likeliest passages joined
    in one excerpt, within its share of the budget, and confirms the value there; resuming
    the finished run asks nothing again."""
    from shoal.swarm.find import EXCERPT_SHARE

    d = doc(6000)
    blind = ScriptedModel(finder(r"no such (\d+) sentence"), name="worker")
    the_lead = lead(choose="archive is")
    s = swarm(the_lead, blind)
    answer = s.ask(d, QUESTION)
    assert answer.answer == "48213" and answer.reports["supported"] == 0
    assert not answer.escalation["whole_read"]
    assert answer.escalation["reads"] == 1 and answer.escalation["passages"] >= 2
    (call,) = [c for c in the_lead.calls if c[0]["content"] == prompts.EXCERPT_SYSTEM]
    shown = passage(call)
    assert shown.count("[…]") == answer.escalation["passages"] - 1
    spent = the_lead.count_message_tokens(call)
    assert spent <= EXCERPT_SHARE * answer.escalation["budget_tokens"]
    # each passage (under its headings) is verbatim source, in document order
    bodies = [part.split("\n…\n")[-1] for part in shown.split("\n[…]\n")]
    assert all(b in d.text for b in bodies)
    starts = [d.text.find(b) for b in bodies]
    assert all(x >= 0 for x in starts) and starts == sorted(starts)
    again = s.resume(answer.run_id)
    assert again.answer == "48213"
    assert lead_calls(the_lead, prompts.EXCERPT_SYSTEM) == 1


def _restating_excerpt_lead() -> ScriptedModel:
    """A lead whose opening excerpt quotes a word of the question instead of the value
    (the 1.5B lead's "Saturday" for the weekend's call time); otherwise ``lead``'s."""
    base = lead(choose="archive is")
    restating = json.dumps({"answer": "north vault", "quote": "the north vault"})

    def respond(messages: list[Message]) -> str:
        if messages[0]["content"] == prompts.EXCERPT_SYSTEM:
            return restating
        return base._respond(messages)

    return ScriptedModel(respond, name="lead")


def _windows_read(the_lead: ScriptedModel) -> list[str]:
    """The passages of the lead's re-reads of single windows (not the judgement's reads)."""
    return [passage(c) for c in the_lead.calls
            if c[0]["content"] == prompts.READ_SYSTEM and "…" in passage(c)]  # fmt: skip


def test_the_best_place_is_read_alone_when_the_excerpt_found_no_fitting_value_in_it() -> None:
    """Read among its neighbours, the 1.5B lead may quote a word of the question instead
    of the value (or the look-alike beside it); the place BM25 ranks first is then read on
    its own, where it confirms the value. An excerpt whose value came from that place
    needs no second read of it."""
    d = doc(6000)
    blind = ScriptedModel(finder(r"no such (\d+) sentence"), name="worker")
    the_lead = _restating_excerpt_lead()
    answer = swarm(the_lead, blind).ask(d, QUESTION)
    assert answer.answer == "48213"
    assert answer.escalation["reads"] >= 2
    assert any("48213" in p for p in _windows_read(the_lead))
    # the excerpt confirmed the value in the best place: no read of it alone
    plain = lead(choose="archive is")
    again = swarm(plain, blind).ask(d, QUESTION)
    assert again.answer == "48213" and again.escalation["reads"] == 1


def test_the_best_place_is_not_read_alone_inside_the_window_of_a_workers_value() -> None:
    """A worker verified the value in the place BM25 ranks first and the excerpt quoted
    something else: the worker's value gets its own read, which covers that place, so the
    place is not read a second time on its own (the real 20k test read both)."""
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = _restating_excerpt_lead()
    answer = swarm(the_lead, worker).ask(doc(6000), QUESTION)
    assert answer.answer == "48213"
    assert sum("48213" in p for p in _windows_read(the_lead)) == 1


def test_skimming_sends_no_worker_job_and_says_how_much_was_read() -> None:
    """``strategy="skim"``: no worker reads a chunk; the lead re-reads the passages BM25
    ranks highest, confirms the value there, and the answer says it skimmed: its coverage
    is the share of the input the lead read, not all of it. Resuming asks nothing again."""
    d = doc(6000)
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="archive is")
    s = swarm(the_lead, worker)
    answer = s.ask(d, QUESTION, "skim")
    assert answer.answer == "48213" and answer.strategy == "skim"
    assert worker.calls == [] and answer.jobs == 0
    assert 0.0 < answer.coverage < 0.5
    assert any(n.startswith("skimmed: no worker read") for n in answer.notes)
    calls = len(the_lead.calls)
    again = s.resume(answer.run_id)
    assert again.answer == "48213" and again.strategy == "skim"
    assert len(the_lead.calls) == calls and worker.calls == []
    # the same input with the swarm: the workers read every chunk
    full = swarm(lead(choose="archive is"), worker).ask(d, QUESTION)
    assert full.strategy == "swarm" and full.jobs > 0 and full.coverage == 1.0


def test_the_search_for_places_to_re_read_uses_the_lead_s_wording_of_an_answer() -> None:
    """A question in other words than the text's ("What number opens the north vault?"
    for "Entry PIN, north strongroom: 48213"): BM25 on the question ranks the sentences
    that share its words ("north vault ...") first; the lead's one-line wording of how the
    text might say it ("Entry PIN, north strongroom: 2041") brings the answer's place into
    the excerpt. The number it guessed is not searched with; resuming asks nothing again."""
    filler = [f"Shelf {i} of the north vault holds the parish records of {1700 + i}."
              for i in range(120)]  # fmt: skip
    filler.insert(70, "Entry PIN, north strongroom: 48213.")
    filler.insert(20, "Catalogue 2041 lists the maps of the estate.")
    text = "\n".join(filler)
    blind = ScriptedModel(finder(r"no such (\d+) sentence"), name="worker")
    question = "What number opens the north vault?"
    pin = r"PIN, north strongroom: (\d+)"
    plain = lead(choose=None, finds=pin)
    worded = lead(choose=None, finds=pin, wording="Entry PIN, north strongroom: 2041")
    s = swarm(worded, blind, escalation_tokens=1200)
    answer = s.ask(text, question)
    assert answer.answer == "48213"
    assert lead_calls(worded, prompts.WORDING_SYSTEM) == 1
    assert any("wording of an answer" in n and "Entry PIN" in n for n in answer.notes)
    first = next(c for c in worded.calls if c[0]["content"] in (prompts.EXCERPT_SYSTEM,
                                                                prompts.READ_SYSTEM))  # fmt: skip
    assert "north strongroom: 48213" in passage(first)
    assert "2041" not in passage(first)  # the guessed number searched nothing
    again = s.resume(answer.run_id)
    assert again.answer == "48213" and lead_calls(worded, prompts.WORDING_SYSTEM) == 1
    # the question alone does not lead there first
    without = swarm(plain, blind, escalation_tokens=1200).ask(text, question)
    first = next(c for c in plain.calls if c[0]["content"] in (prompts.EXCERPT_SYSTEM,
                                                               prompts.READ_SYSTEM))  # fmt: skip
    assert "north strongroom: 48213" not in passage(first)
    assert not any("wording of an answer" in n for n in without.notes)


ANY_VAULT = r"vault of the Halvard \w+ (?:is|was) (\d{5})"


def test_several_verified_values_are_read_together_and_judged() -> None:
    """Two values survive re-reading (a lead that confirms whatever it reads): read
    together, in both orders, the lead favours one by its sentence, and the other is noted
    as not chosen. The revoked code never competes: its sentence says it was revoked."""
    worker = ScriptedModel(finder(ANY_VAULT), name="worker")
    # it confirms whatever it re-reads (the south vault's code too); reading the verified
    # sentences together it favours the north vault's, in either order
    judging = lead(choose=None, finds=ANY_VAULT, judges="north vault of the Halvard archive is")
    answer = swarm(judging, worker).ask(doc(4000), QUESTION)
    assert answer.answer == "48213"
    assert answer.confidence >= 0.5
    basis = answer.confidence_basis
    assert basis and basis["rivals"] == 1 and basis["share"] == 1.0 and not basis["exact"]
    assert any("66120" in n and "not chosen" in n for n in answer.notes)
    assert any("31977" in n and "revoked" in n for n in answer.notes)
    # the judgement read both sentences at once, once in each order
    joint = [passage(c) for c in judging.calls if joint_read(c)]
    assert len(joint) == 2 and all("48213" in p and "66120" in p for p in joint)
    assert (joint[0].index("48213") < joint[0].index("66120")) != (
        joint[1].index("48213") < joint[1].index("66120"))  # fmt: skip


def test_when_the_judgement_fails_shoal_says_it_cannot_tell() -> None:
    worker = ScriptedModel(finder(ANY_VAULT), name="worker")
    north = "north vault of the Halvard archive is"
    gullible = lead(choose=None, bad_judge=True, finds=ANY_VAULT, judges=north)
    answer = swarm(gullible, worker).ask(doc(4000), QUESTION)
    assert answer.answer == UNSURE and not answer.citations
    assert any("48213" in n and "66120" in n for n in answer.notes)
    assert any("judgement failed" in n for n in answer.notes)
    # asked to accept weaker answers, it gives the best-supported value, flagged
    looser = swarm(lead(choose=None, bad_judge=True, finds=ANY_VAULT, judges=north), worker,
                   min_confidence=0.3)  # fmt: skip
    answer2 = looser.ask(doc(4000), QUESTION)
    assert answer2.answer in {"48213", "66120"} and answer2.confidence == UNJUDGED


def test_a_judgement_that_names_a_value_no_sentence_holds_is_not_passed_on() -> None:
    """Reading the verified sentences together, the lead names a value none of them holds:
    that is no opinion on them (the judgement failed), and shoal cannot tell."""
    worker = ScriptedModel(finder(ANY_VAULT), name="worker")
    gullible = lead(choose=None, finds=ANY_VAULT)

    def guesser(messages):  # type: ignore[no-untyped-def]
        if joint_read(messages):
            return json.dumps({"answer": "1234567890", "quote": "made up"})
        return gullible._respond(messages)

    answer = swarm(ScriptedModel(guesser, name="lead"), worker).ask(doc(4000), QUESTION)
    assert "1234567890" not in answer.answer
    assert answer.answer == UNSURE
    assert any("judgement failed" in n for n in answer.notes)


def test_unusable_plan_falls_back_to_the_question_and_says_so() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    s = swarm(lead(bad_plan=True, choose="archive is"), worker, plan_tasks=True)
    answer = s.ask(doc(), QUESTION)
    assert answer.plan[0]["tasks"] == [{"instruction": QUESTION, "advice": ""}]
    assert answer.plan[0]["fallback"]
    assert any("was the task" in n for n in answer.notes)
    assert answer.answer == "48213"


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
    the_lead = lead(["first look"], choose="archive is", finds=r"(\d{9})")  # reads find nothing
    s = swarm(the_lead, worker, min_confidence=0.3, plan_tasks=True)
    answer = s.ask(doc(), QUESTION)
    assert answer.rounds == 2
    assert answer.plan[1]["tasks"][0]["instruction"] == QUESTION
    state = s.store.get_run(answer.run_id)["state"]
    assert state["rounds"][0]["decision"]["answer"] == RETRYING
    assert lead_calls(the_lead, prompts.RETRY_SYSTEM) == 0  # the retry cost no lead call


def test_when_the_question_was_tried_the_lead_rewords_the_tasks() -> None:
    worker = ScriptedModel(only_when_asked_about("sentence with", CODE), name="worker")
    the_lead = lead([QUESTION], reword=["Copy the sentence with the north vault code"],
                    choose="archive is", finds=r"(\d{9})")  # fmt: skip
    answer = swarm(the_lead, worker).ask(doc(), QUESTION)
    assert answer.rounds == 2
    reworded = answer.plan[1]["tasks"][0]["instruction"]
    assert reworded == "Copy the sentence with the north vault code"


def test_with_nothing_new_to_try_the_answer_is_not_found() -> None:
    worker = ScriptedModel(only_when_asked_about("sentence with", CODE), name="worker")
    the_lead = lead([QUESTION], choose="archive is", finds=r"(\d{9})")
    answer = swarm(the_lead, worker).ask(doc(), QUESTION)
    assert answer.rounds == 1 and answer.answer == NOT_FOUND and not answer.citations


def test_the_escalation_budget_bounds_the_lead_and_is_reported() -> None:
    worker = ScriptedModel(finder(CODE, invent=True), name="worker")
    s = swarm(lead(choose="archive is"), worker, escalation_tokens=150)
    answer = s.ask(doc(3000), QUESTION)
    assert answer.escalation["budget_tokens"] == 150
    assert answer.escalation["spent_tokens"] <= 150
    assert answer.answer == NOT_FOUND  # nothing affordable was read


def test_a_named_escalation_model_does_the_re_reading() -> None:
    worker = ScriptedModel(finder(CODE), name="worker")
    the_lead = lead(choose="archive is", bad_read=True)
    checker = lead(choose="archive is")
    checker.info.name = "checker"
    s = swarm(the_lead, worker, escalation=checker)
    answer = s.ask(doc(3000), QUESTION)
    assert answer.answer == "48213" and answer.escalation["model"] == "checker"
    assert lead_calls(the_lead, prompts.READ_SYSTEM) == 0
    assert set(answer.usage) == {"worker", "escalation"}  # no plan, no choice: no lead call


def test_failed_calls_are_retried_and_a_hopeless_job_is_reported() -> None:
    worker = ScriptedModel(finder(CODE), name="worker", faults=["error", "timeout", "malformed"])
    s = swarm(lead(choose="archive is"), worker, job_timeout=0.2, retries=2)
    answer = s.ask(doc(), QUESTION)
    assert answer.answer == "48213" and answer.reports["failed"] == 0
    # now a worker that always fails one chunk's job
    from shoal.errors import ModelCallError

    base = finder(CODE)
    first = excerpt_of_first_chunk = {"text": None}

    def fails_on_one_chunk(messages):  # type: ignore[no-untyped-def]
        text = excerpt(messages)
        if first["text"] is None:
            first["text"] = text
        if text == excerpt_of_first_chunk["text"]:
            raise ModelCallError("this chunk always breaks the worker")
        return base(messages)

    always = ScriptedModel(fails_on_one_chunk, name="worker2")
    s2 = swarm(lead(choose="archive is"), always, retries=2, concurrency=1)
    answer2 = s2.ask(doc(), QUESTION)
    assert answer2.reports["failed"] == 1
    assert any("failed jobs" in n for n in answer2.notes)


def test_dead_backend_interrupts_the_run_and_resume_skips_finished_jobs() -> None:
    d = doc(4000)
    store = Store()
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
    again = lead(choose="archive is")
    s2 = Swarm(lead=again, workers=healthy, store=store, chunk_tokens=300)
    answer = s2.resume(run["id"])
    assert answer.answer == "48213"
    assert len(healthy.calls) == answer.jobs - healthy_jobs
    assert store.get_run(run["id"])["status"] == "done"
    assert lead_calls(again, prompts.PLAN_SYSTEM) == 0  # the plan was not made again


def test_resume_uses_the_runs_own_models_unless_told_otherwise() -> None:
    from shoal.models import register

    store = Store()
    worker = ScriptedModel(finder(CODE), name="w-own", faults=["unavailable"] * 20)
    register("scripted:w-own", worker)
    register("scripted:lead-own", lead(choose="archive is"))
    s = Swarm(lead="scripted:lead-own", workers="scripted:w-own", store=store, retries=0,
              chunk_tokens=300)  # fmt: skip
    with pytest.raises(ShoalError):
        s.ask(doc(2000), QUESTION)
    run_id = store.list_runs(1)[0]["id"]
    worker.faults.clear()
    # a default Swarm resumes with the run's own models, not the defaults
    answer = Swarm(store=store).resume(run_id)
    assert answer.answer == "48213" and worker.calls
    assert not any("instead of" in n for n in answer.notes)


def test_two_processes_cannot_work_on_one_run() -> None:
    from shoal.errors import RunBusyError

    store = Store()
    slow = ScriptedModel(finder(CODE), name="worker", latency=0.02)
    s = Swarm(lead=lead(choose="archive is"), workers=slow, store=store, chunk_tokens=300,
              concurrency=1)  # fmt: skip
    import threading

    t = threading.Thread(target=lambda: s.ask(doc(4000), QUESTION))
    t.start()
    while not store.list_runs(1):
        pass
    run_id = store.list_runs(1)[0]["id"]
    with pytest.raises(RunBusyError, match="another process"):
        Swarm(lead=lead(choose="archive is"), workers=slow, store=store).resume(run_id)
    t.join()
    assert store.get_run(run_id)["status"] == "done"
    assert store.get_run(run_id)["lease_owner"] is None


def test_a_run_being_started_or_finished_is_not_taken_over() -> None:
    """CI once failed here: a resume that arrived between the run's row being written
    and its work beginning saw this process's lease as abandoned and took it."""
    from shoal.errors import RunBusyError

    refused: list[str] = []
    tried: list[str] = []

    class Racing(Store):
        def _try(self, run_id: str) -> None:
            tried.append(run_id)
            if len(tried) > 2:  # a resume that got in would otherwise come back here
                return
            other = Swarm(
                lead=lead(choose="archive is"), workers=ScriptedModel(finder(CODE)), store=self
            )
            try:
                other.resume(run_id)
            except RunBusyError as exc:
                refused.append(str(exc))

        def create_run(self, **values: object) -> None:
            super().create_run(**values)
            self._try(str(values["id"]))

        def release_lease(self, run_id: str, owner: str, **values: object) -> None:
            if values.get("status") == "done":  # work finished, lease not yet given back
                self._try(run_id)
            super().release_lease(run_id, owner, **values)

    store = Racing()
    answer = Swarm(
        lead=lead(choose="archive is"), workers=ScriptedModel(finder(CODE)), store=store
    ).ask(doc(1500), QUESTION)
    assert answer.answer == "48213"
    assert len(refused) == 2 and all("another process" in r for r in refused)
    assert store.get_run(answer.run_id)["lease_owner"] is None


def test_ask_works_inside_a_running_event_loop() -> None:
    import asyncio

    async def notebook_cell() -> str:
        worker = ScriptedModel(finder(CODE), name="worker")
        return swarm(lead(choose="archive is"), worker).ask(doc(2000), QUESTION).answer

    assert asyncio.run(notebook_cell()) == "48213"


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
    redone = {j["key"] for j in store.get_jobs(run["id"]) if j["kind"] == "worker"} - before
    assert len(redone) == len(healthy.calls)


def short_quoter(messages):  # type: ignore[no-untyped-def]
    """A worker that quotes the words before the value, not the value itself."""

    for sentence in re.split(r"(?<=\.)\s+", excerpt(messages)):
        m = re.search(CODE, sentence)
        if m:
            quote = sentence[: m.start(1)].strip()
            return json.dumps({"answer": m.group(1), "quote": quote, "confidence": 0.8})
    return json.dumps({"answer": None, "quote": None, "confidence": 0.1})


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


def test_a_value_not_of_the_kind_asked_is_read_again_from_its_own_quote() -> None:
    """fresh13 (council tax bill, 2k): asked "What is the full bill for the year this notice
    covers?", the 1.5B lead answered '2026/27' from "Total council tax payable for 2026/27:
    £1,702.74", twice, and shoal abstained. The quote holds one sum of money: that is the
    value."""
    from shoal.swarm.check import MONEY, SourceIndex, asked_kind, check
    from shoal.swarm.chunk import Chunk

    text = ("Valuation band: C\nTotal council tax payable for 2026/27: £1,702.74\n"
            "10 monthly instalments of £170.27, from 1 April 2026.\n")  # fmt: skip
    chunk = Chunk(0, "d", "bill.txt", 0, len(text), text, 40)
    index = SourceIndex({"d": text})

    def read(answer: str, quote: str, question: str):  # type: ignore[no-untyped-def]
        return check({"answer": answer, "quote": quote}, job_key="k", round_=1, task_index=0,
                     chunk=chunk, index=index, question=question)  # fmt: skip

    bill = "What is the full bill for the year this notice covers?"
    assert asked_kind(bill) == MONEY and asked_kind("What's the yearly limit on miles?") is None
    r = read("2026/27", "Total council tax payable for 2026/27: £1,702.74", bill)
    assert r.supported and r.answer == "£1,702.74" and "'2026/27' was given" in (r.reason or "")
    # a sum of money already: kept as read
    assert read("£1,702.74", "Total council tax payable for 2026/27: £1,702.74", bill).answer == (
        "£1,702.74"
    )
    # a quote with two sums: shoal cannot tell which, the reader's value stands (and the
    # word rules judge it)
    text += "Police precept: £250.10, fire service £80.00 (band C).\n"
    chunk = Chunk(0, "d", "bill.txt", 0, len(text), text, 60)
    index = SourceIndex({"d": text})
    r = read("C", "Police precept: £250.10, fire service £80.00 (band C).", "What is the fee?")
    assert r.answer == "C"
    # one sum: "10 monthly instalments of £170.27" answers what is paid each month
    r = read("10", "10 monthly instalments of £170.27, from 1 April 2026.",
             "What is the monthly charge?")  # fmt: skip
    assert r.answer == "£170.27"


def test_a_paraphrased_opening_is_trimmed_to_the_verbatim_part_but_inventions_are_not() -> None:
    from shoal.swarm.check import SourceIndex, check
    from shoal.swarm.chunk import Chunk

    text = "Please remember: my locker combination is 7-31-19. The weather was fine."
    chunk = Chunk(0, "d", "d.txt", 0, len(text), text, 20)
    index = SourceIndex({"d": text})

    def verdict(answer: str, quote: str) -> tuple[bool, str]:
        r = check({"answer": answer, "quote": quote, "confidence": 0.9}, job_key="k", round_=1,
                  task_index=0, chunk=chunk, index=index,
                  question="What is my locker combination?")  # fmt: skip
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


def test_a_quote_carries_an_answer_only_if_it_states_its_value() -> None:
    from shoal.swarm.check import carries, restates, terms

    assert terms("The code is 48,213.") == ["code", "48213"]
    assert carries("48213", "The access code for the north vault is 48213.")
    assert carries("14 March 2031", "It will launch on March 14, 2031.")
    assert not carries("48213", "The access code for the north vault")
    assert not carries("48213", "The access code was 48214.")
    assert not carries("Ilse Varga", "The chief archivist is Mara Quint.")
    assert carries("version 2.4.1 of the parser", "the parser moved to version 2.4.1 in May")
    q = "What is the access code assigned to Vault Meridian?"
    assert restates("Vault Meridian", q) and restates("access code", q)
    assert not restates("69267", q) and not restates("Vault Meridian: 69267", q)
    # a capital letter that labels a room is what was asked (measured: "Room A" was
    # rejected as a restatement of "In which room ...", the article "a" being a stopword)
    rooms = "In which room is the keynote by Noor Lindqvist held?"
    assert not restates("Room A", rooms) and restates("the room", rooms)
    assert restates("A keynote", rooms) and restates("Room A", "Is it Room A or Room B?")


def test_a_path_given_as_a_string_is_read_or_refused_never_taken_as_text(tmp_path: Path) -> None:
    from shoal.swarm.swarm import as_documents

    report = tmp_path / "report.md"
    report.write_text("The access code is 48213.\n")
    (doc_,) = as_documents(str(report))
    assert doc_.name == "report.md" and "48213" in doc_.text
    with pytest.raises(InputError, match="looks like a path"):
        as_documents(str(tmp_path / "missing.md"))
    with pytest.raises(InputError, match="looks like a path"):
        as_documents("report.md")
    assert as_documents("The access code is 48213.")[0].text == "The access code is 48213."
    assert len(as_documents([str(report), Document("b", "text b")])) == 2


def test_a_pick_that_changes_with_the_order_of_the_sentences_is_no_choice() -> None:
    """A lead that favours whichever sentence it reads first favours the other one when
    they are read the other way round: that is a pick by position, so shoal says the
    evidence conflicts instead of answering."""
    worker = ScriptedModel(finder(ANY_VAULT), name="worker")
    gullible = lead(choose=None, finds=ANY_VAULT)  # confirms both vaults' codes, and
    # reading the two sentences together it reports whichever comes first
    answer = swarm(gullible, worker).ask(doc(4000), QUESTION)
    assert answer.answer == UNSURE and not answer.citations
    assert any("changed with the order" in n for n in answer.notes)


# --- a lone pick read beside its neighbours ----------------------------------------------------
TIDES = (
    "Tide times for the Severn coast, week of 4 May.\n\n"
    + "Heights are in metres above chart datum. " * 20
    + "\n\nPlace | Day | Tide | Time | Height\n"
    "Barry | Wed | High | 05:20 | 10.1 m\n"
    "Barry | Thu | Low | 15:50 | 1.9 m\n\n"
    + "Times are local and may vary with the weather. " * 30
    + "\n\nBarry | Thu | High | 18:14 | 10.9 m\n"
)
"""The rows of one place and day a page apart, as a generated table scatters them."""
TIDE_Q = "What time does the tide come fully in at Barry on Thursday?"


def _tide_lead(beside: str, reads_high: bool = False) -> ScriptedModel:
    """Reads the input whole and quotes the Low row; reading the sentences of values
    together, it picks the Low row alone, and the row holding ``beside`` when it sees that
    row too. With ``reads_high``, a passage read on its own that holds the Thursday High
    row confirms it (else it confirms nothing)."""
    low = "Barry | Thu | Low | 15:50 | 1.9 m"
    high = "Barry | Thu | High | 18:14 | 10.9 m"

    def respond(messages: list) -> str:  # type: ignore[type-arg]
        system = messages[0]["content"]
        if system == prompts.WHOLE_SYSTEM:
            return json.dumps({"answer": "15:50", "quote": low})
        if system == prompts.SECOND_LOOK_SYSTEM:
            return json.dumps({"answer": None, "quote": None})
        if system == prompts.READ_SYSTEM and joint_read(messages) and low in passage(messages):
            rows = re.findall(r"Barry \| \w+ \| \w+ \| (\d\d:\d\d)", passage(messages))
            time_ = next((t for t in rows if t == beside), "15:50")
            return json.dumps({"answer": time_, "quote": ""})
        if system == prompts.READ_SYSTEM and reads_high and high in passage(messages):
            return json.dumps({"answer": "18:14", "quote": high})  # the High row on its own
        if system in (prompts.SUPPORT_SYSTEM, prompts.SUPPORT_STRICT_SYSTEM):
            return "yes"
        return json.dumps({"answer": None, "quote": None})

    return ScriptedModel(respond, name="lead")


def test_a_lone_pick_that_a_neighbouring_row_beats_is_no_answer() -> None:
    """fresh11's tide tables: alone, the Low row was the time the tide "comes fully in"
    (0.78-0.85); the High row two lines down was never weighed. Read beside it, the High
    row leads: no answer, and the notes say which row was likelier."""
    worker = ScriptedModel(lambda m: json.dumps({"answer": None, "quote": None,
                                                 "confidence": 0}), name="worker")  # fmt: skip
    answer = swarm(_tide_lead(beside="18:14"), worker).ask(TIDES, TIDE_Q)
    assert answer.answer == UNSURE and not answer.citations
    assert any("18:14" in n and "likelier" in n for n in answer.notes)
    # a pick that still leads beside its neighbours keeps its answer
    s = swarm(_tide_lead(beside="none"), worker)
    answer = s.ask(TIDES, TIDE_Q)
    assert answer.answer == "15:50" and answer.citations
    # and the shares it was read with are stored (the pick's, each rival's, null's)
    (judged,) = [j for j in s.store.get_jobs(answer.run_id) if j["kind"] == "judge"]
    contrast = judged["payload"]["contrast"]
    assert len(contrast) == 1 + 2 + 1 and contrast[0] == max(contrast)  # 05:20, 18:14


def test_a_rival_that_vetoes_a_lone_pick_is_read_as_an_answer_and_can_win() -> None:
    """fresh12's knitting pattern: the sleeves' cast-on was the lone pick, the back's row
    vetoed it and was never read, so shoal could only abstain. Now the rival's passage is
    read on its own; it confirms 18:14, the two values are judged together, 18:14 wins
    and is the answer, cited verbatim; a resumed run asks nothing again."""
    worker = ScriptedModel(lambda m: json.dumps({"answer": None, "quote": None,
                                                 "confidence": 0}), name="worker")  # fmt: skip
    the_lead = _tide_lead(beside="18:14", reads_high=True)
    s = swarm(the_lead, worker)
    answer = s.ask(TIDES, TIDE_Q)
    assert answer.answer == "18:14", answer.notes
    assert [c.text for c in answer.citations] == ["Barry | Thu | High | 18:14 | 10.9 m"]
    assert any("read in its own passage" in n and "was chosen" in n for n in answer.notes)
    assert answer.confidence_basis and answer.confidence_basis["rivals"] == 1
    calls = len(the_lead.calls)
    again = s.resume(answer.run_id)
    assert again.answer == "18:14" and again.citations == answer.citations
    assert len(the_lead.calls) == calls


def test_rivals_are_values_of_the_same_shape_nearby_that_the_rules_leave() -> None:
    from shoal.swarm.check import value_shape

    shape = value_shape("15:50")
    assert shape is not None and shape.findall(TIDES) == ["05:20", "15:50", "18:14"]
    assert value_shape("Monday 22 February").search("back on Tuesday 3 November.")  # type: ignore[union-attr]
    assert value_shape("£9,120").findall("VAT: £1,440; deposit £1,000.") == ["£1,440", "£1,000"]  # type: ignore[union-attr]
    assert value_shape("Salt & Iron") is None  # a name has no shape
