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


def fix_messages(base: list[Message], code: str, feedback: str) -> list[Message]:
    return [
        *base,
        {"role": "assistant", "content": f"```python\n{code.rstrip()}\n```"},
        {
            "role": "user",
            "content": "The code was run against the tests.\n"
            f"{feedback}\n\nFix the code. Reply with the whole corrected solution in one "
            "```python block.",
        },
    ]
