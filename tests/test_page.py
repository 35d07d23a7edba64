"""The live page in a real browser: Debian's Chromium, headless, driven by Playwright.

A person's path: enter the key, paste a document, ask, watch jobs fill the grid, read the
answer with its citation highlighted in the document, then replay the run from the list.
A screenshot is kept in test-artifacts/ (CI keeps that directory).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shoal.models import ScriptedModel, register
from shoal.server import Settings
from shoal.server.auth import create_key

from .scripted_swarm import finder, lead
from .serving import Running, running
from .test_server import CODE, QUESTION, document

pytestmark = pytest.mark.server
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def chromium() -> str:
    if os.environ.get("SHOAL_SKIP_BROWSER") == "1":
        pytest.skip("SHOAL_SKIP_BROWSER=1")
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Chromium is not installed: run `make setup` (apt-get install chromium)")
    return found


@pytest.fixture
def browser_page() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        yield page
        browser.close()


def _vault_settings(tmp_path: Path, latency: float = 0.0) -> Settings:
    """A server whose scripted lead and workers find the north vault's code."""
    register("scripted:lead", lead(finds=r"code of the north vault is (\d+)"))
    register("scripted:finder", ScriptedModel(finder(r"code of the north vault is (\d+)"),
                                              name="finder", latency=latency))  # fmt: skip
    return Settings(db=str(tmp_path / "page.db"), lead="scripted:lead",
                    worker="scripted:finder")  # fmt: skip


def _sign_in(page: Any, srv: Running, name: str) -> str:
    """A new key for ``name``, entered on the page as a person would."""
    _, key = create_key(srv.store, name)
    page.goto(srv.url + "/")
    page.fill("#key", key)
    page.dispatch_event("#key", "change")
    return key


def test_watch_a_run_and_replay_it(browser_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    # slow enough workers that the grid visibly fills in
    with running(_vault_settings(tmp_path, latency=1.0)) as srv:
        key = _sign_in(page, srv, "dana")
        expect(page.locator("#model option")).not_to_have_count(0)
        page.fill("#doc", document(sentences=600, fact_at=500))
        page.fill("#question", QUESTION)
        page.click("#run")

        # jobs appear while the run is live, then all are finished
        expect(page.locator(".job.started").first).to_be_visible(timeout=20_000)
        expect(page.locator("#answer")).to_have_text(CODE, timeout=60_000)
        cells = page.locator(".job")
        assert cells.count() > 1
        assert page.locator(".job.started").count() == 0
        supported = page.locator(".job.supported")
        assert supported.count() >= 1
        assert "quote: The access code" in (supported.first.get_attribute("title") or "")
        assert page.locator(".job.rejected, .job.empty").count() >= 1
        mark = page.locator("#docview mark.cite")
        expect(mark).to_have_count(1)
        assert CODE in mark.inner_text()
        expect(page.locator("#cost-swarm")).to_contain_text("instead of")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-run.png"), full_page=True)

        # replay: reload, pick the run from the list, see the same answer and highlight
        page.reload()
        page.fill("#key", key)
        page.dispatch_event("#key", "change")
        page.locator("#runs li").first.click()
        expect(page.locator("#answer")).to_have_text(CODE, timeout=20_000)
        expect(page.locator("#docview mark.cite")).to_contain_text(CODE)
        assert page.locator(".job.supported").count() == supported.count()
        page.screenshot(path=str(ARTIFACTS / "page-replay.png"), full_page=True)


@pytest.mark.usefixtures("workers_read")  # the unit grid shows the workers' reads
def test_a_count_shows_its_plan_the_unit_grid_and_the_items(
    browser_page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    from benchmarks.corpus.aggregate import count_case

    from .scripted_ops import extractor, planner
    from .test_operations import DEPOT, SEVERITY, _parse, count, count_plan

    page: Page = browser_page  # type: ignore[assignment]
    case = count_case(2500, 1, count)
    depot, sev = _parse(case.question)
    register("scripted:page-planner", planner(count_plan(depot, sev)))
    register("scripted:page-extractor",
             ScriptedModel(extractor({"depot": DEPOT, "severity": SEVERITY}), name="x",
                           latency=0.05))  # fmt: skip
    settings = Settings(db=str(tmp_path / "page.db"), lead="scripted:page-planner",
                        worker="scripted:page-extractor", auth=False)  # fmt: skip
    with running(settings) as srv:
        page.goto(srv.url + "/")
        expect(page.locator("#model option")).not_to_have_count(0)
        page.fill("#doc", case.text)
        page.fill("#question", case.question)
        page.click("#run")
        expect(page.locator("#answer")).to_contain_text(f"{case.answer} incident", timeout=60_000)
        expect(page.locator("#query .op")).to_have_text("count")
        expect(page.locator("#query")).to_contain_text(f"where depot contains {depot}")
        assert page.locator(".job.supported").count() >= case.answer
        rows = page.locator("#items tr")
        expect(rows).to_have_count(case.answer + 1)  # a header and one row per incident
        rows.nth(1).locator("td.where").click()
        expect(page.locator("#docview mark.cite")).to_have_count(1)
        assert depot in page.locator("#docview mark.cite").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-count.png"), full_page=True)


def test_code_is_written_live_then_its_verdicts_appear(
    browser_page: object, tmp_path: Path
) -> None:
    from playwright.sync_api import Page, expect

    from .test_code import TESTS, fixer

    page: Page = browser_page  # type: ignore[assignment]
    register("scripted:page-coder", ScriptedModel(fixer, name="page-coder", latency=0.02))
    settings = Settings(db=str(tmp_path / "page.db"), lead="scripted:page-coder",
                        worker="scripted:page-coder", auth=False)  # fmt: skip
    with running(settings) as srv:
        page.goto(srv.url + "/")
        page.fill("#task", "Add two numbers.")
        page.fill("#tests", TESTS)
        page.click("#code")
        expect(page.locator("#answer")).to_have_text("The code passes its tests.", timeout=30_000)
        expect(page.locator("#codeview")).to_contain_text("return a + b")
        verdicts = page.locator("#verdicts li")
        expect(verdicts).to_have_count(2)
        assert (
            "failed" in verdicts.nth(0).inner_text()
            and "AssertionError" in verdicts.nth(0).inner_text()
        )
        assert "passed" in verdicts.nth(1).inner_text() and "fix" in verdicts.nth(1).inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-code.png"), full_page=True)


def test_a_run_is_asked_with_the_settings_chosen_and_replayed_with_them(
    browser_page: object, tmp_path: Path
) -> None:
    """The page's settings reach the run (its stored config), and replaying the run puts
    them back in the form."""
    from playwright.sync_api import Page, expect

    page: Page = browser_page  # type: ignore[assignment]
    with running(_vault_settings(tmp_path)) as srv:
        key = _sign_in(page, srv, "erin")
        expect(page.locator("#escalation option")).not_to_have_count(1)
        page.fill("#doc", document(sentences=200, fact_at=150))
        page.fill("#question", QUESTION)
        page.click("#settings summary")
        page.select_option("#operation", "find")
        page.fill("#minconf", "0.55")
        page.select_option("#escalation", "scripted:lead")
        page.fill("#esctokens", "3000")
        page.fill("#together", "2")
        page.click("#run")
        expect(page.locator("#answer")).to_have_text(CODE, timeout=60_000)
        row = srv.store.list_runs(5, None)[0]
        config = srv.store.get_run(row["id"])["config"]
        assert (config["operation"], config["min_confidence"], config["escalation_spec"],
                config["escalation_tokens"], config["read_together"]) == (
            "find", 0.55, "scripted:lead", 3000, 2)  # fmt: skip

        page.reload()
        page.fill("#key", key)
        page.dispatch_event("#key", "change")
        page.locator("#runs li").first.click()
        expect(page.locator("#answer")).to_have_text(CODE, timeout=20_000)
        expect(page.locator("#settings")).to_have_attribute("open", "")
        expect(page.locator("#operation")).to_have_value("find")
        expect(page.locator("#minconf")).to_have_value("0.55")
        expect(page.locator("#escalation")).to_have_value("scripted:lead")
        expect(page.locator("#together")).to_have_value("2")
