"""Where benchmark scripts put their numbers: benchmarks/results/NAME.json, with context."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def write(name: str, rows: list[dict[str, Any]], **meta: Any) -> Path:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{name}.json"
    context = {"cpu_count": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M:%S"), **meta}
    out.write_text(json.dumps({"meta": context, "results": rows}, indent=2))
    print(f"wrote {out}")
    return out


def table(rows: list[dict[str, Any]], cols: list[str]) -> None:
    """Print ``cols`` of ``rows`` as a Markdown table (what closing notes quote)."""
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")


def markdown(headers: list[str], lines: list[list[str]]) -> str:
    """A Markdown table from already formatted cells."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)
