"""The command line, on scripted models and the recorded-calls table."""

from __future__ import annotations

import json

from click.testing import CliRunner

from shoal.cli import cli


def test_chat_streams_then_prints_usage_and_the_call_is_recorded() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["chat", "scripted", "hello little model"])
    assert result.exit_code == 0, result.output
    assert "hello little model" in result.stdout
    assert "prompt" in result.stderr and "completion tokens" in result.stderr
    calls = runner.invoke(cli, ["calls", "--json"])
    rows = json.loads(calls.stdout)
    assert len(rows) == 1 and rows[0]["model"] == "scripted" and rows[0]["role"] == "chat"
    assert rows[0]["prompt_tokens"] == 3


def test_chat_choices_prints_each_replys_probability_and_records_the_call() -> None:
    """The scripted model echoes the prompt: its greedy reply begins with "yes", which gets
    all the weight (it has no token probabilities, and says so)."""
    runner = CliRunner()
    result = runner.invoke(cli, ["chat", "scripted", "yes it is", "--choices", "yes, no"])
    assert result.exit_code == 0, result.output
    assert "1.000" in result.stdout and "0.000" in result.stdout
    assert "one greedy reply" in result.stderr
    rows = json.loads(runner.invoke(cli, ["calls", "--json"]).stdout)
    assert len(rows) == 1 and rows[0]["role"] == "chat"
    # a reply that begins with none of the choices is a clear error, not a traceback
    bad = runner.invoke(cli, ["chat", "scripted", "maybe", "--choices", "yes,no"])
    assert bad.exit_code == 1 and "none of the options" in bad.stderr
    assert "Traceback" not in bad.output


def test_unknown_model_is_one_clear_line() -> None:
    result = CliRunner().invoke(cli, ["chat", "no-such-model", "hi"])
    assert result.exit_code == 1
    assert "unknown model 'no-such-model'" in result.stderr
    assert "Traceback" not in result.output


def test_models_lists_bundled_models_with_window_and_price() -> None:
    result = CliRunner().invoke(cli, ["models", "--json"])
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["smollm2-135m"]["context_window"] == 8192
    assert rows["gemma3-270m"]["chat"] is False
    assert rows["qwen2.5-coder-1.5b"]["priced_by"] == "machine time, $0.1/hour"


def test_local_calls_are_priced_by_machine_time(monkeypatch: object) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    mp.setenv("SHOAL_MACHINE_USD_PER_HOUR", "3600")  # a dollar a second
    try:
        runner = CliRunner()
        r = runner.invoke(cli, ["chat", "scripted?latency=0.2", "hello"])
        assert r.exit_code == 0, r.output
        (row,) = json.loads(runner.invoke(cli, ["calls", "--json"]).stdout)
        assert row["cost_usd"] == pytest.approx(row["seconds"], rel=1e-6)
        assert row["seconds"] >= 0.2
        mp.setenv("SHOAL_MACHINE_USD_PER_HOUR", "lots")
        bad = runner.invoke(cli, ["chat", "scripted", "hello"])
        assert bad.exit_code == 1 and "SHOAL_MACHINE_USD_PER_HOUR must be a number" in bad.stderr
    finally:
        mp.undo()


def test_prompt_too_long_for_the_window_says_tokens_and_window() -> None:
    result = CliRunner().invoke(cli, ["chat", "scripted", "word " * 9000])
    assert result.exit_code == 1
    assert "8192-token window" in result.stderr


def test_chat_with_memory_and_the_memory_commands(tmp_path: object) -> None:
    runner = CliRunner()
    for text in ("my name is Ada", "what is my name?"):
        r = runner.invoke(cli, ["chat", "scripted", text, "--user", "ada"])
        assert r.exit_code == 0, r.output
        assert "history" in r.stderr and "cached" in r.stderr
    assert "history 2 messages (2 verbatim)" in r.stderr  # the first exchange was in the prompt
    shown = json.loads(runner.invoke(cli, ["memory", "show", "--user", "ada", "--json"]).stdout)
    assert [m["content"] for m in shown if m["role"] == "user"] == ["my name is Ada",
                                                                    "what is my name?"]  # fmt: skip
    path = f"{tmp_path}/ada.jsonl"
    assert runner.invoke(cli, ["memory", "export", "--user", "ada", "-o", path]).exit_code == 0
    imported = runner.invoke(cli, ["memory", "import", "--user", "ada2", path])
    assert "imported 4 messages" in imported.stdout
    bad = runner.invoke(cli, ["memory", "import", "--user", "x", __file__])
    assert bad.exit_code == 1 and "not JSON" in bad.stderr
    gone = runner.invoke(cli, ["memory", "forget", "--user", "ada", "--yes"])
    assert "deleted 4 messages" in gone.stdout
    assert "no messages" in runner.invoke(cli, ["memory", "show", "--user", "ada"]).stdout
    assert len(json.loads(runner.invoke(cli, ["memory", "show", "--user", "ada2",
                                              "--json"]).stdout)) == 4  # fmt: skip
