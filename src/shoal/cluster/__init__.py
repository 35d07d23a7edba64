"""Beyond one machine: workers on a Ray cluster (the ``[ray]`` extra).

``RayExecutor`` runs worker calls in Ray actors, each loading its model once and serving
many jobs, spread over the cluster's nodes; jobs of one chunk go to the same actor, so the
chunk's KV prefix is reused. An actor or node that dies loses nothing: its jobs are sent to
a new actor, and the run reports how many. Usage and cost are recorded in the driver's
ledger, with the node each job ran on.

A fleet of OpenAI-compatible servers (vLLM, SGLang, llama.cpp) needs no cluster: name them
all as workers; the dispatcher spreads jobs by load and routes around a dead one.
"""

from shoal.cluster.ray_executor import RayExecutor, ray_executor

__all__ = ["RayExecutor", "ray_executor"]
