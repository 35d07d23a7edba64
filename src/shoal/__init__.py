"""shoal: a large model leads a swarm of small models.

from shoal import Swarm
answer = Swarm(lead="qwen2.5-coder-1.5b", workers="smollm2-135m").ask(text, question)
print(answer.answer, answer.citations, answer.cost_usd)
"""

from shoal.models import get_model
from shoal.swarm import Answer, Citation, Document, Swarm
from shoal.types import Options, Reply, Usage

__all__ = ["Answer", "Citation", "Document", "Options", "Reply", "Swarm", "Usage", "get_model"]
__version__ = "0.1.0"
