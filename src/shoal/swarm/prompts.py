"""Every prompt and JSON schema the swarm uses, kept apart from the protocol code.

Worker prompts put the chunk *first* and the task last, so the jobs of one chunk share
a long identical prefix: llama.cpp (and vLLM/SGLang) reuse its KV cache and only the
task's tokens are computed again.
"""

from __future__ import annotations

import json
from typing import Any

from shoal.types import Message


def _nullable(max_length: int) -> dict[str, Any]:
    # anyOf, not {"type": ["string", "null"]}: llama.cpp's schema-to-grammar drops
    # maxLength on type unions, and without the bound tiny models loop in a string
    # ("123456789012...") until they run out of tokens.
    return {"anyOf": [{"type": "string", "maxLength": max_length}, {"type": "null"}]}


# --- plan -------------------------------------------------------------------------------
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tasks": {
            "type": "array",
            "minItems": 1,
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "instruction": {"type": "string", "minLength": 3, "maxLength": 160},
                    "advice": {"type": "string", "maxLength": 120},
                },
                "required": ["instruction", "advice"],
            },
        }
    },
    "required": ["tasks"],
}

PLAN_SYSTEM = (
    "You lead a team of small, fast reading assistants. They cannot see the question, only "
    "your instructions, and each reads one short excerpt of a long document. Break the "
    "question into 1 to 3 atomic extraction tasks. Each instruction must name exactly what "
    "to find and copy (a number, name, date, sentence). Use a single task when one fact "
    "answers the question. Advice: one short hint on how to recognise the right passage "
    "and what look-alikes to avoid. Reply with JSON only."
)


def plan_messages(question: str, facts: str) -> list[Message]:
    return [
        {"role": "system", "content": PLAN_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nAbout the document:\n{facts}"},
    ]


# --- the query plan (operations other than a lookup) ----------------------------------------
QUERY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "operation": {
            "type": "string",
            "enum": ["find", "list", "count", "sum", "min", "max", "mean", "group", "top",
                     "judge", "compare", "summarise"],
        },
        "unit": {"type": "string", "maxLength": 60},
        "fields": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 30},
                    "type": {"type": "string", "enum": ["text", "number", "date", "flag"]},
                    "description": {"type": "string", "maxLength": 100},
                },
                "required": ["name", "type", "description"],
            },
        },
        "where": {
            "type": "array",
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "maxLength": 30},
                    "op": {"type": "string", "enum": ["eq", "ne", "contains", "gt", "ge", "lt",
                                                      "le", "is_true", "is_false"]},
                    "value": {"type": "string", "maxLength": 60},
                },
                "required": ["field", "op", "value"],
            },
        },
        "target": {"type": "string", "maxLength": 30},
        "group_by": {"type": "string", "maxLength": 30},
        "k": {"type": "integer"},
    },
    "required": ["operation", "unit", "fields", "where", "target", "group_by", "k"],
}  # fmt: skip

QUERY_SYSTEM = (
    "You turn a question about a long document (or a folder of documents) into a plan that "
    "small reading assistants and a calculator carry out. The assistants read each item and "
    "copy field values; the calculator filters, counts and adds. Never compute the answer "
    "yourself.\n"
    "operation: find (one fact), list (every item that matches), count, sum/min/max/mean (of "
    "a number field), group (count per value of a field), top (the k items with the largest "
    "target), judge (one verdict per document of a folder, e.g. screening), compare (what "
    "differs between two documents), summarise.\n"
    "unit: what one item is (a log entry, a candidate, a deadline, a supplier).\n"
    "fields: what to copy from each item; type text, number, date, or flag (true when the "
    "item's text contains the flag's name, e.g. retracted).\n"
    "where: conditions on fields: eq, ne, contains, gt, ge, lt, le (numbers and dates), "
    "is_true, is_false (flags).\n"
    "target: the number field for sum/min/max/mean/top; group_by: the field for group; k: "
    "for top (else 0).\n"
    "Example. Question: How many severity-2 alerts did the Oslo site raise? Retracted alerts "
    "don't count.\n"
    '{"operation":"count","unit":"alert","fields":[{"name":"site","type":"text",'
    '"description":"the site that raised the alert"},{"name":"severity","type":"number",'
    '"description":"severity level"},{"name":"retracted","type":"flag","description":"the '
    'alert was retracted"}],"where":[{"field":"site","op":"contains","value":"Oslo"},'
    '{"field":"severity","op":"eq","value":"2"},{"field":"retracted","op":"is_false",'
    '"value":""}],"target":"","group_by":"","k":0}\n'
    "Example. Question: What is the boiling point of the solvent in lab 4?\n"
    '{"operation":"find","unit":"fact","fields":[],"where":[],"target":"","group_by":"",'
    '"k":0}\n'
    "Reply with JSON only."
)


def query_messages(question: str, facts: str) -> list[Message]:
    return [
        {"role": "system", "content": QUERY_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nAbout the input:\n{facts}"},
    ]


def query_repair_messages(messages: list[Message], reply: str, missing: list[str]) -> list[Message]:
    names = ", ".join(repr(m) for m in missing)
    return [
        *messages,
        {"role": "assistant", "content": reply},
        {
            "role": "user",
            "content": f"Your plan has no condition on {names}, which the question asks "
            "about. Write the whole plan again, with a condition (where) for every name and "
            "number the question uses.",
        },
    ]


RETRY_SYSTEM = (
    PLAN_SYSTEM
    + " The tasks below were already run over every excerpt and no assistant found a passage "
    "that verifiably answers them. Write 1 or 2 new tasks in different words (never repeat "
    "a task already run): more literal, naming the words the answer would sit next to in "
    "the text."
)


def retry_messages(question: str, tried: list[str]) -> list[Message]:
    done = "\n".join(f"- {t}" for t in tried)
    return [
        {"role": "system", "content": RETRY_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nTasks already run:\n{done}"},
    ]


# --- worker -------------------------------------------------------------------------------
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": _nullable(80),
        "quote": _nullable(250),
        # No bounds: llama.cpp grammars cannot enforce them and tiny models write 100 for
        # "certain"; check.py normalises instead of failing the whole report.
        "confidence": {"type": "number"},
    },
    "required": ["answer", "quote", "confidence"],
}

WORKER_SYSTEM = (
    "You read one excerpt of a document and extract information from it. Use only the "
    "excerpt. Reply with JSON: answer (short, or null if the excerpt does not contain it), "
    "quote (the exact sentence from the excerpt that shows the answer, copied character for "
    "character, or null), confidence (0 to 1)."
)


def worker_messages(chunk_text: str, instruction: str, advice: str) -> list[Message]:
    hint = f"\nHint: {advice}" if advice else ""
    return [
        {"role": "system", "content": WORKER_SYSTEM},
        {
            "role": "user",
            "content": f"Excerpt:\n<<<\n{chunk_text}\n>>>\n\nTask: {instruction}{hint}",
        },
    ]


# --- escalation: a stronger model re-reads a passage ------------------------------------------
READ_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": _nullable(120), "quote": _nullable(300)},
    "required": ["answer", "quote"],
}

WORDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"line": {"type": "string", "minLength": 3, "maxLength": 200}},
    "required": ["line"],
}
WORDING_SYSTEM = (
    "A long document may answer the question below in its own words, not the question's. "
    "Write one line such a document could contain that states the answer, in the words a "
    "document of that kind would use (its labels, headings and terms), with ... where the "
    "value would be. Do not guess the value. Reply with JSON: line."
)


def wording_messages(question: str) -> list[Message]:
    """How a document might word its answer (``find.py``): its terms join the question's
    in the search for the places to re-read, where the question paraphrases the text."""
    return [
        {"role": "system", "content": WORDING_SYSTEM},
        {"role": "user", "content": f"Question: {question}"},
    ]


READ_SYSTEM = (
    "Answer the question from one passage of a long document, using only the passage (it "
    "may start with the headings it sits under, then '…'). Reply with JSON: answer (the "
    "value, copied as written, or null if the passage does not answer exactly what is "
    "asked) and quote (the exact sentence, line or heading holding that value). Look-alikes "
    "are not the answer: a similar name, another place, person or project, an old, revoked, "
    "planned or superseded value, another unit."
)


# --- the judgement: is the best verified value the answer? (``judge.py``) -------------------
SUPPORT_SYSTEM = (
    "You check one piece of evidence. Does the sentence state the answer to the question, "
    "as things stand now? Answer yes or no."
)
SUPPORT_STRICT_SYSTEM = (
    "You check one piece of evidence for a question about a document. Answer yes only if the "
    "sentence itself gives this value as the answer to exactly this question, as things stand "
    "now. Answer no if the value is an earlier, first, former, planned, proposed, rejected, "
    "cancelled, void or superseded one, if it belongs to another item, person, place or "
    "version, or if it measures something else than what the question asks. Answer yes or no."
)


ITEM_SYSTEM = (
    "You check one sentence of a document against a question that asks for a list or a "
    "count of items. Does the sentence itself state one of the items the question asks "
    "for? A date, name or amount of something else (when a document was signed or took "
    "effect, when people met, an item done, withdrawn or refused) is not one. Answer yes "
    "or no."
)


def item_messages(question: str, sentence: str) -> list[Message]:
    """Whether one sentence states an item of a list (``extract._second_look``); scored
    as "yes" against "no"."""
    return [
        {"role": "system", "content": ITEM_SYSTEM},
        {"role": "user", "content": f"Question: {question}\nSentence: {sentence}"},
    ]


def support_messages(system: str, question: str, sentence: str, value: str) -> list[Message]:
    """Asked apart about one sentence and the value in it; scored as "yes" against "no"."""
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Question: {question}\nSentence: {sentence}\nValue: {value}"},
    ]


WHOLE_SYSTEM = (
    "Answer the question from the document, using only the document. Reply with JSON: answer "
    "(the value asked for, copied as written, or null if the document does not state it) and "
    "quote (the exact sentence or line holding that value, copied character for character). "
    "Look-alikes are not the answer: a similar name, another place, person or project, an "
    "old, revoked, planned or superseded value, another unit."
)


def whole_messages(question: str, document: str) -> list[Message]:
    """A small input read whole by the stronger model (``find.py``): the reply is checked
    like a re-read's (same schema)."""
    return [
        {"role": "system", "content": WHOLE_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nDocument:\n<<<\n{document}\n>>>"},
    ]


SECOND_LOOK_SYSTEM = WHOLE_SYSTEM + (
    " Some values were found already and checked: they do not answer the question, for the "
    "reason given. Do not answer with one of them; answer with another value only if the "
    "document states it, else null."
)


def second_look_messages(question: str, document: str, set_aside: list[tuple[str, str]]) -> list[
    Message
]:  # fmt: skip
    """A second whole read after the first one's value(s) were set aside by the word rules
    (``find.py``): the stronger model is told which and why, so it looks past them."""
    aside = "\n".join(f"- {json.dumps(v, ensure_ascii=False)}: {why}" for v, why in set_aside)
    return [
        {"role": "system", "content": SECOND_LOOK_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nNot the answer (checked):\n"
                                    f"{aside}\n\nDocument:\n<<<\n{document}\n>>>"},
    ]  # fmt: skip


EXCERPT_SYSTEM = (
    "Answer the question from excerpts of a long document: the passages most likely to answer "
    "it, in document order, each may start with the headings it sits under, then '…'; a line "
    "'[…]' parts one passage from the next. Use only the excerpts. Reply with JSON: answer "
    "(the value asked for, copied as written, or null if the excerpts do not state it) and "
    "quote (the exact sentence or line holding that value, copied character for character). "
    "Look-alikes are not the answer: a similar name, another place, person or project, an "
    "old, revoked, planned or superseded value, another unit."
)


def excerpt_messages(question: str, excerpt: str) -> list[Message]:
    """The likeliest passages of a long input read together by the stronger model
    (``find.py``, the first re-read): checked like any re-read (same schema)."""
    return [
        {"role": "system", "content": EXCERPT_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nExcerpts:\n<<<\n{excerpt}\n>>>"},
    ]


def read_messages(question: str, passage: str) -> list[Message]:
    # The question comes before the passage: consecutive reads share the prefix.
    return [
        {"role": "system", "content": READ_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nPassage:\n<<<\n{passage}\n>>>"},
    ]


# --- compare and summarise ------------------------------------------------------------------
ACCOUNT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sentences": {
            "type": "array",
            "maxItems": 8,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "maxLength": 300},
                    "cites": {"type": "array", "items": {"type": "string", "maxLength": 10},
                              "maxItems": 6},
                },
                "required": ["text", "cites"],
            },
        }
    },
    "required": ["sentences"],
}  # fmt: skip


def change_block(change: dict[str, Any]) -> str:
    before = f"  before: {dump(change['before_text'][:400])}\n" if change["before_text"] else ""
    after = f"  after: {dump(change['after_text'][:400])}\n" if change["after_text"] else ""
    return f"[{change['id']}] {change['kind']}\n{before}{after}"


COMPARE_SYSTEM = (
    "You describe the differences between two versions of a document. shoal has already "
    "found every change (removed, added or changed sentences), listed below with ids. Write "
    "up to 6 short sentences saying what changed, most important first. Every sentence must "
    "cite the ids of the changes it rests on. Never mention anything not in the changes. "
    "Reply with JSON."
)


def compare_messages(question: str, a: str, b: str, changes: str) -> list[Message]:
    return [
        {"role": "system", "content": COMPARE_SYSTEM},
        {"role": "user", "content": f"Question: {question}\n\nChanges from {a} to {b}:\n"
                                    f"{changes}"},
    ]  # fmt: skip


POINTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "points": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "point": {"type": "string", "maxLength": 160},
                    "quote": {"type": "string", "maxLength": 240},
                },
                "required": ["point", "quote"],
            },
        }
    },
    "required": ["points"],
}

POINTS_SYSTEM = (
    "You read one excerpt of a document. Note up to 3 key points it makes that matter for the "
    "request, each with the exact sentence of the excerpt that states it. If it says nothing "
    "that matters, give an empty list. Use only the excerpt. Reply with JSON."
)


def points_messages(request: str, excerpt: str) -> list[Message]:
    return [
        {"role": "system", "content": POINTS_SYSTEM},
        {"role": "user", "content": f"Request: {request}\n\nExcerpt:\n<<<\n{excerpt}\n>>>"},
    ]


def point_block(pid: str, text: str, quote: str) -> str:
    return f"[{pid}] {text}\n  quote: {dump(quote)}\n"


SUMMARY_SYSTEM = (
    "You write a short summary from points that reading assistants found in a long document, "
    "each with its verified quote. Write up to 6 sentences answering the request, most "
    "important first. Every sentence must cite the ids of the points it rests on. Never add "
    "anything the points do not say. Reply with JSON."
)


def summary_messages(request: str, points: str) -> list[Message]:
    return [
        {"role": "system", "content": SUMMARY_SYSTEM},
        {"role": "user", "content": f"Request: {request}\n\nPoints:\n{points}"},
    ]


# --- single-model strategies ------------------------------------------------------------------
ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "maxLength": 600},
        "quote": _nullable(300),
    },
    "required": ["answer", "quote"],
}

SINGLE_SYSTEM = (
    "Answer the question from the document. Reply with JSON: answer (short), quote (the exact "
    "sentence from the document that shows it, copied character for character, or null)."
)


def single_messages(document: str, question: str, truncated: bool) -> list[Message]:
    note = "\n(The document was cut to fit your window; the end is missing.)" if truncated else ""
    return [
        {"role": "system", "content": SINGLE_SYSTEM},
        {
            "role": "user",
            "content": f"Document:\n<<<\n{document}\n>>>{note}\n\nQuestion: {question}",
        },
    ]


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
