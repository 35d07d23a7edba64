"""The prompts of the write-run-fix loop."""

from __future__ import annotations

from shoal.types import Message

SYSTEM = (
    "You are an expert Python programmer. Write a complete, correct Python solution: every "
    "import it needs, the whole function (or program), no tests and no example usage. Reply "
    "with one ```python code block and nothing else."
)


def write_messages(task: str, prompt: str, tests: str) -> list[Message]:
    parts = []
    if task.strip():
        parts.append(f"Task: {task.strip()}")
    if prompt.strip():
        parts.append(f"Complete this code:\n```python\n{prompt.rstrip()}\n```")
    if tests.strip():
        parts.append(f"It must pass these tests:\n```python\n{tests.rstrip()}\n```")
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


FIX_SYSTEM = (
    "You are an expert Python programmer who fixes bugs. You are shown a task, code that "
    "fails it, and what happened when the code was run against the tests."
)


def fix_messages(base: list[Message], code: str, feedback: str) -> list[Message]:
    """One user turn holding the task, the failing code and its results. Small models
    shown their own code as an earlier assistant turn copy it back unchanged; asked to say
    first what is wrong, they change it."""
    task = base[-1]["content"]
    return [
        {"role": "system", "content": FIX_SYSTEM},
        {
            "role": "user",
            "content": f"{task}\n\nCurrent code, which is wrong:\n```python\n{code.rstrip()}\n"
            f"```\n\nThe code was run against the tests:\n{feedback}\n\n"
            "Reply with one ```python block: its first line a # comment saying what the "
            "current code gets wrong, then the whole corrected solution.",
        },
    ]
