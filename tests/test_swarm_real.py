"""The swarm on the real embedded models: Qwen2.5-Coder-1.5B leads, SmolLM2-135M reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.corpus.haystack import FACTS, build, is_correct
from shoal.cli import cli
from shoal.models import get_model
from shoal.store import Store
from shoal.swarm import Document, Swarm
from shoal.swarm.aggregate import is_abstention

from .conftest import need_model

pytestmark = pytest.mark.real


def test_swarm_finds_a_planted_fact_beyond_the_workers_window_with_a_verified_citation() -> None:
    need_model("smollm2-135m")
    need_model("qwen2.5-coder-1.5b")
    worker = get_model("smollm2-135m")
    fact = FACTS[0]
    hay = build(20_500, [fact], seed=3, count=worker.count_tokens)
    doc = Document("report.md", hay.text)
    assert worker.count_tokens(hay.text) >= 20_000 > worker.context_window

    answer = Swarm(store=Store()).ask(doc, fact.question)

    assert is_correct(answer.answer, fact), answer
    cited = [c for c in answer.citations if fact.answer in c.text]
    assert cited, answer.citations
    for c in answer.citations:
        assert hay.text[c.start : c.end] == c.text  # verbatim, with exact offsets
    assert answer.coverage == 1.0
    assert answer.chunks >= 14
    # the small models were wrong often, and shoal caught it
    assert answer.reports["rejected"] > 0
    # the lead read the evidence, not the document: its re-reads, the judgement and the
    # lone value read beside its neighbours (about 2,200 tokens of about 19,800)
    assert answer.lead_tokens * 8 <= answer.lead_alone_tokens


def test_cli_skim_on_real_models_reads_a_share_with_no_worker_call(tmp_path: Path) -> None:
    """``shoal ask --strategy skim``: Qwen2.5-Coder-1.5B re-reads the passages BM25 ranks
    highest in a document too long to read whole; no worker is called, and the answer's
    coverage says how much was read. On this document (8k tokens, the revoked code and the
    south vault's as near misses) the 1.5B lead, having read only those passages, judged the
    right value too unsure (measured, stop 30): the answer is the right code, cited
    verbatim, or an abstention without citations, never a near miss."""
    need_model("smollm2-135m")
    need_model("qwen2.5-coder-1.5b")
    worker = get_model("smollm2-135m")
    fact = FACTS[0]
    path = tmp_path / "report.md"
    path.write_text(build(8_000, [fact], seed=5, count=worker.count_tokens).text)
    result = CliRunner().invoke(cli, ["ask", str(path), fact.question, "--strategy", "skim",
                                      "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["strategy"] == "skim" and out["jobs"] == 0
    assert "worker" not in out["usage"]
    assert 0.0 < out["coverage"] < 0.5
    assert out["escalation"]["reads"] >= 1 and out["escalation"]["spent_tokens"] > 0
    assert not any(w in out["answer"] for w in fact.wrong), out["answer"]
    if is_abstention(out["answer"]):
        assert out["citations"] == []
    else:
        assert is_correct(out["answer"], fact), out["answer"]
        assert out["citations"]
    for c in out["citations"]:
        assert path.read_text()[c["start"] : c["end"]] == c["text"]


def test_cli_ask_json_and_replay_on_real_models(tmp_path: Path) -> None:
    need_model("smollm2-135m")
    fact = FACTS[2]
    worker = get_model("smollm2-135m")
    path = tmp_path / "report.md"
    path.write_text(build(1500, [fact], seed=4, count=worker.count_tokens).text)
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["ask", str(path), fact.question, "--lead", "smollm2-135m", "--worker", "smollm2-135m",
         "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in ("answer", "citations", "strategy", "rounds", "coverage", "usage", "cost_usd",
                "seconds", "run_id"):  # fmt: skip
        assert key in out
    assert out["strategy"] == "swarm" and out["coverage"] == 1.0
    assert set(out["usage"]) == {"lead", "worker"}
    assert out["usage"]["worker"]["calls"] >= out["jobs"]
    for c in out["citations"]:
        assert path.read_text()[c["start"] : c["end"]] == c["text"]
    shown = runner.invoke(cli, ["show", out["run_id"]])
    assert shown.exit_code == 0 and "round 1" in shown.stdout
    listed = runner.invoke(cli, ["runs", "--json"])
    assert json.loads(listed.stdout)[0]["id"] == out["run_id"]
    calls = json.loads(runner.invoke(cli, ["calls", "--run", out["run_id"], "--json"]).stdout)
    assert len(calls) == out["usage"]["worker"]["calls"] + out["usage"]["lead"]["calls"]


def test_single_model_strategy_says_when_it_truncated() -> None:
    need_model("smollm2-135m")
    worker = get_model("smollm2-135m?ctx=2048")
    fact = FACTS[0]
    text = build(3000, [fact], seed=5, count=worker.count_tokens).text
    answer = Swarm(lead=worker, workers=worker, store=Store()).ask(text, fact.question, "worker")
    assert answer.strategy == "worker"
    assert answer.coverage < 1.0
    assert any("cut to fit" in n for n in answer.notes)
    assert answer.usage["worker"].prompt_tokens <= 2048
