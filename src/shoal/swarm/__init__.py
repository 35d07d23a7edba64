"""The swarm: a lead model plans and judges, small models read everything.

Where each step lives: ``plan.py`` (the lead's plan), ``chunk.py`` (shoal splits the
input), ``dispatch.py`` (jobs run on workers), ``check.py`` (quotes verified against the
source), ``escalate.py`` (a stronger model re-reads what matters), ``relevance.py`` (BM25,
which passages matter), ``aggregate.py`` (candidates, the lead's choice),
``confidence.py`` (how sure), ``cost.py`` (what it cost), ``find.py`` (a lookup, step by
step), ``single.py`` (one model alone), ``prompts.py`` (every prompt), ``state.py`` and
``run.py`` (a run's typed state and context), ``jobs.py`` (job rows), ``swarm.py``
(``Swarm``: the API and the life of a run), ``result.py`` (the answer).
"""

from shoal.swarm.documents import Document, load_path
from shoal.swarm.result import Answer, Citation, Event
from shoal.swarm.swarm import STRATEGIES, Swarm

__all__ = ["STRATEGIES", "Answer", "Citation", "Document", "Event", "Swarm", "load_path"]
