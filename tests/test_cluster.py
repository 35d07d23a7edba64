"""Workers beyond this process: a real local Ray cluster (a head and a second node on this
machine, small memory), started and stopped by the tests; and a fleet of two real
llama.cpp servers, one killed mid-run."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus.haystack import FACTS, build
from shoal.models import ScriptedModel
from shoal.store import Store
from shoal.swarm import Swarm

from .conftest import free_port, need_model
from .scripted_swarm import CODE, finder, lead

pytestmark = pytest.mark.cluster
ROOT = Path(__file__).resolve().parents[1]
QUESTION = FACTS[0].question


def count(text: str) -> int:
    return ScriptedModel().count_tokens(text)


def scripted_worker(pattern: str, latency: float, spec: str) -> ScriptedModel:
    """Built inside each Ray actor (the factory is shipped to them)."""
    return ScriptedModel(finder(pattern), name=spec, latency=latency)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    # every node and the driver on 127.0.0.1 (Ray otherwise advertises the host's address);
    # Ray reads this when it is first imported
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ["RAY_AUTH_MODE"] = "disabled"
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 1, "object_store_memory": 80 * 2**20, "include_dashboard": False,
        "node_ip_address": "127.0.0.1"})  # fmt: skip
    second = c.add_node(num_cpus=1, object_store_memory=80 * 2**20, node_ip_address="127.0.0.1")
    ray.init(address=c.address, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}})  # fmt: skip
    c.second = second  # type: ignore[attr-defined]
    try:
        yield c
    finally:
        ray.shutdown()
        c.shutdown()


def _executor(latency: float) -> Any:
    from shoal.cluster import RayExecutor

    factory = functools.partial(scripted_worker, CODE, latency)
    return RayExecutor(factory=factory, actors_per_spec=2)


def _swarm(store: Store, executor: Any, **kw: Any) -> Swarm:
    worker = ScriptedModel(finder(CODE), name="worker")  # the driver's copy: tokens, prices
    return Swarm(lead=lead(choose="archive is"), workers=worker, store=store, chunk_tokens=300,
                 executor=executor, **kw)  # fmt: skip


def test_a_swarm_over_ray_gives_the_same_answer_and_records(cluster: Any) -> None:
    text = build(4000, seed=1, count=count).text
    local_store, ray_store = Store(), Store()
    here = _swarm(local_store, "local").ask(text, QUESTION)
    executor = _executor(0.0)
    there = _swarm(ray_store, executor).ask(text, QUESTION)
    assert there.answer == here.answer == "48213"
    assert [c.text for c in there.citations] == [c.text for c in here.citations]
    assert there.jobs == here.jobs and there.reports == here.reports
    jobs_here = {j["key"]: j for j in local_store.get_jobs(here.run_id) if j["kind"] == "worker"}
    jobs_there = {j["key"]: j for j in ray_store.get_jobs(there.run_id) if j["kind"] == "worker"}
    assert jobs_here.keys() == jobs_there.keys()
    for key, j in jobs_there.items():
        assert (j["answer"], j["supported"]) == (
            jobs_here[key]["answer"],
            jobs_here[key]["supported"],
        )
        assert j["served_by"].startswith("ray:")
    # the calls were recorded by the driver, one per job, as in-process
    assert there.usage["worker"].calls == here.usage["worker"].calls == there.jobs
    # jobs of one chunk met the same actor
    by_chunk: dict[int, set[str]] = {}
    for j in jobs_there.values():
        by_chunk.setdefault(j["chunk_index"], set()).add(j["served_by"])
    assert all(len(s) == 1 for s in by_chunk.values())
    assert len({j["served_by"] for j in jobs_there.values()}) == 2  # both actors worked


def _run_in_thread(swarm: Swarm, text: str) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(swarm.ask(text, QUESTION)))
    t.start()
    return t, out


def _wait_for_jobs(store: Store, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = store.list_runs(1)
        if runs and len(store.get_jobs(runs[0]["id"])) >= n:
            return
        time.sleep(0.05)
    raise AssertionError("the run did not get going")


def test_an_actor_killed_mid_run_loses_nothing(cluster: Any) -> None:
    import ray

    text = build(6000, seed=2, count=count).text
    store = Store()
    executor = _executor(0.3)
    t, out = _run_in_thread(_swarm(store, executor, concurrency=2), text)
    _wait_for_jobs(store, 4)
    victim = next(iter(executor.pools.values()))[0]
    ray.kill(victim)
    t.join(timeout=180)
    (answer,) = out
    assert answer.answer == "48213" and answer.reports["failed"] == 0
    assert executor.stats()["retried_jobs"] >= 1
    assert any("another Ray worker" in n for n in answer.notes)
    jobs = [j for j in store.get_jobs(answer.run_id) if j["kind"] == "worker"]
    assert len(jobs) == answer.jobs and all(j["status"] == "done" for j in jobs)


def test_a_node_killed_mid_run_loses_nothing(cluster: Any) -> None:
    text = build(6000, seed=3, count=count).text
    store = Store()
    executor = _executor(0.3)
    t, out = _run_in_thread(_swarm(store, executor, concurrency=2), text)
    _wait_for_jobs(store, 4)
    cluster.remove_node(cluster.second, allow_graceful=False)
    t.join(timeout=240)
    (answer,) = out
    assert answer.answer == "48213" and answer.reports["failed"] == 0
    jobs = [j for j in store.get_jobs(answer.run_id) if j["kind"] == "worker"]
    assert len(jobs) == answer.jobs and all(j["status"] == "done" for j in jobs)
    assert executor.stats()["retried_jobs"] >= 1


@pytest.mark.real
def test_a_real_smollm2_actor_answers_a_job(cluster: Any) -> None:
    import asyncio

    from shoal.cluster import RayExecutor
    from shoal.models import get_model
    from shoal.swarm import prompts
    from shoal.swarm.executor import Call

    need_model("smollm2-135m")
    executor = RayExecutor(actors_per_spec=1)
    worker = get_model("smollm2-135m")
    question = "What is the access code of the north vault?"
    text = "The access code of the north vault is 48213."
    messages = prompts.worker_messages(text, question, "")
    call = Call(worker, messages, prompts.REPORT_SCHEMA, 80, 120, 0)
    reply, served = asyncio.run(executor.complete(call))
    assert served and served.startswith("ray:")
    assert isinstance(reply.parsed, dict) and "answer" in reply.parsed
    assert reply.usage.prompt_tokens > 20 and reply.cost_usd > 0


# --- a fleet of OpenAI-compatible servers -------------------------------------------------------
def _llama_server(model_path: str, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", model_path, "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "2048", "--n_threads", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            return proc
        except OSError:
            assert proc.poll() is None, "the llama.cpp server died at start"
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("the llama.cpp server did not start")


@pytest.mark.real
@pytest.mark.server
def test_a_fleet_of_two_llama_servers_survives_one_dying() -> None:
    from shoal.models import BUNDLED
    from shoal.models.fetch import model_path

    need_model("smollm2-135m")
    path = str(model_path(BUNDLED["smollm2-135m"]))
    ports = [free_port(), free_port()]
    servers = [_llama_server(path, p) for p in ports]
    try:
        specs = [f"openai-compat:http://127.0.0.1:{p}/v1#smollm2?ctx=2048" for p in ports]
        text = build(2500, seed=4, count=count).text
        store = Store()
        swarm = Swarm(lead=lead(choose="archive is"), workers=specs, store=store,
                      chunk_tokens=300, concurrency=1, retries=1)  # fmt: skip
        t, out = _run_in_thread(swarm, text)
        _wait_for_jobs(store, 3, timeout=180)
        servers[1].kill()
        t.join(timeout=600)
        (answer,) = out
        jobs = [j for j in store.get_jobs(answer.run_id) if j["kind"] == "worker"]
        assert len(jobs) == answer.jobs and all(j["status"] == "done" for j in jobs)
        served = {j["served_by"] for j in jobs}
        assert served == {f"http://127.0.0.1:{p}/v1" for p in ports}
        assert any("moved to another worker" in n for n in answer.notes)
    finally:
        for s in servers:
            s.kill()
            s.wait(timeout=30)
