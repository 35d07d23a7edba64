"""``shoal code``: write code, run it in the sandbox, fix it; the code streams as it is
written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.syntax import Syntax

from shoal.cli.common import cli, emit_json, err, money, out, store_of
from shoal.swarm.result import Event


class CodeProgress:
    """Streams the first draft of each round to the terminal, then each verdict."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live_round = 0

    def __call__(self, event: Event) -> None:
        d = event.data
        if self.quiet:
            return
        if event.kind == "round" and d.get("sampling"):
            err.print(f"[dim]sampling {d['candidates'] - 1} more draft(s)[/]")
        elif event.kind == "round":
            how = {"write": "writing", "fix": "fixing the best draft",
                   "fresh": "drafting afresh"}.get(d.get("mode", ""), "")  # fmt: skip
            err.print(f"\n[bold]round {d['round']}[/] ({d['candidates']} draft(s)"
                      f"{', ' + how if how else ''})")  # fmt: skip
        elif event.kind == "code" and d["candidate"] == 0:
            out.out(d["text"], end="", highlight=False)
        elif event.kind == "attempt":
            colour = "green" if d["status"] == "passed" else "red"
            err.print(f"\n[{colour}]draft {d['candidate'] + 1}: {d['status']}[/] "
                      f"({d['passed']}/{d['total']} tests)")  # fmt: skip
            if d["status"] != "passed" and d["candidate"] == 0:
                err.print(f"[dim]{d['feedback'][:600]}[/]")


def print_code(result: Any) -> None:
    status = "[green]passed[/]" if result.passed else f"[red]{result.verdict.status.value}[/]"
    out.print(f"\n{status} after {result.rounds} round(s), {len(result.attempts)} attempt(s)")
    out.print(Syntax(result.code, "python", theme="ansi_dark", line_numbers=False))
    for note in result.notes:
        out.print(f"  [yellow]note:[/] {note}")
    parts = [f"{role}: {u.prompt_tokens:,} in + {u.completion_tokens:,} out, {u.calls} calls"
             for role, u in sorted(result.usage.items())]  # fmt: skip
    sandbox = sum(a.verdict.seconds for a in result.attempts)
    out.print(f"[dim]run {result.run_id} · {' · '.join(parts)} · {result.seconds:.1f} s "
              f"({sandbox:.1f} s in the sandbox, {result.verdict.isolation}) · "
              f"{money(result.cost_usd)}[/]")  # fmt: skip


@cli.command()
@click.argument("task")
@click.option("--tests", "tests_path", type=click.Path(path_type=Path, exists=True,
              dir_okay=False), help="A file of test_* functions the code must pass.")  # fmt: skip
@click.option("--prompt", "prompt_path", type=click.Path(path_type=Path, exists=True,
              dir_okay=False),
              help="Code to complete (a signature and docstring); its examples are the tests "
                   "when --tests is not given.")  # fmt: skip
@click.option("--draft", "draft_path", type=click.Path(path_type=Path, exists=True,
              dir_okay=False),
              help="Code you already have: it is run first and the rounds fix it.")  # fmt: skip
@click.option("--entry", default="", help="The function the tests call (HumanEval's check).")
@click.option("--model", default=None, help="Model spec (default qwen2.5-coder-1.5b).")
@click.option("--rounds", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--candidates", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Drafts written each round; the sandbox picks.")  # fmt: skip
@click.option("--sample-when", type=click.Choice(["failure", "always"]), default="failure",
              show_default=True,
              help="Sample the extra candidates only once the first greedy draft has failed "
                   "its tests, or from the start.")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(0.5, 600), default=10.0, show_default=True,
              help="Seconds each run of the code may take.")  # fmt: skip
@click.option("--allow-weak-sandbox", is_flag=True,
              help="Run with rlimits only where bubblewrap is missing (no network or "
                   "filesystem isolation).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def code(
    ctx: click.Context, task: str, tests_path: Path | None, prompt_path: Path | None,
    draft_path: Path | None, entry: str, model: str | None, rounds: int, candidates: int,
    sample_when: str, timeout: float, allow_weak_sandbox: bool, as_json: bool,
) -> None:  # fmt: skip
    """Write code for TASK, run it against the tests in a sandbox, fix it, up to --rounds."""
    from shoal.cli.common import recording
    from shoal.code import Coder
    from shoal.models import DEFAULT_LEAD
    from shoal.sandbox import Limits

    tests = tests_path.read_text(encoding="utf-8") if tests_path else ""
    prompt = prompt_path.read_text(encoding="utf-8") if prompt_path else ""
    draft = draft_path.read_text(encoding="utf-8") if draft_path else ""
    coder = Coder(model or DEFAULT_LEAD, store=store_of(ctx), rounds=rounds,
                  candidates=candidates, sample_when=sample_when,
                  limits=Limits(wall_seconds=timeout, cpu_seconds=max(1, int(timeout))),
                  allow_weak_sandbox=allow_weak_sandbox or None,
                  on_event=CodeProgress(as_json))  # fmt: skip
    with recording(ctx):
        result = coder.solve(task, prompt=prompt, tests=tests, entry_point=entry, draft=draft)
    emit_json(result.to_dict()) if as_json else print_code(result)
