"""BM25 over passages: the cheap signal that picks what the stronger model re-reads."""

from __future__ import annotations

from shoal.models import ScriptedModel
from shoal.swarm.documents import Document
from shoal.swarm.relevance import Relevance, passages


def count(text: str) -> int:
    return ScriptedModel().count_tokens(text)


def test_an_input_of_a_few_sentences_repeated_still_ranks_its_passages() -> None:
    """Measured (bin calendars, fresh9): every word of the question was in most passages;
    BM25Okapi's idf for such words is negative and so was its floor, every score fell
    below zero and no passage was re-read."""
    reminders = [
        "Put your bins out by 7am on collection day.",
        "Lids must close fully or the bin may not be emptied.",
        "Flattened cardboard goes in the blue bin.",
    ]
    units = [reminders[i % 3] for i in range(120)]
    units.insert(77, "From 6 April, the blue bin is emptied every other Tuesday.")
    doc = Document("calendar.txt", "\n\n".join(units))
    ranked = Relevance(passages([doc], count, size=60)).rank("What day is my blue bin emptied?")
    assert all(score > 0 for _, score in ranked)
    assert "every other Tuesday" in ranked[0][0].text
