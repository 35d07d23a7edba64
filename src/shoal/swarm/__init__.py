"""The swarm: a lead model plans and judges, small models read everything.

Where each step lives: ``plan.py`` (the lead's plan), ``chunk.py`` (shoal splits the
input), ``dispatch.py`` (jobs run on workers), ``check.py`` (quotes verified against
the source), ``aggregate.py`` (the lead decides), ``prompts.py`` (every prompt),
``swarm.py`` (the order of it all, persistence and resume), ``result.py`` (the answer).
"""

from shoal.swarm.documents import Document, load_path
from shoal.swarm.result import Answer, Citation, Event
from shoal.swarm.swarm import STRATEGIES, Swarm

__all__ = ["STRATEGIES", "Answer", "Citation", "Document", "Event", "Swarm", "load_path"]
