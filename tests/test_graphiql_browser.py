"""GraphiQL in a real browser (Debian's Chromium driven by Playwright), with no network but this
machine's: the page renders from this server's assets alone, a query runs with a token typed
into the Headers tab, a subscription receives an event, and a refused token says why.

The app is served by uvicorn on a free port of 127.0.0.1, in this test's event loop, on the
scratch database with the demo data committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.async_api import Page, Route, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from config import Settings
from db.events import CHANNEL
from db.models.master_data import LegalEntity
from tests.support.end_to_end import demo
from tests.support.jobs import committed

__all__ = ["committed", "demo"]  # fixtures, used by name

CHROMIUM = Path("/usr/bin/chromium")
STEP_MS = 10_000  # the most any one step may take (the first render parses 1.5 MB of script)
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = "section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESULT = "section.result-window .CodeMirror"
EXECUTE = 'button[aria-label^="Execute query"]'
STOP = 'button[aria-label^="Stop query"]'  # the same button while an operation runs
SUBSCRIPTION = "subscription Journals { journalStatusChanges { typeName id status } }"


def _install_chromium() -> str | None:
    """Installs Debian's chromium package; why it could not, or None."""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "Chromium cannot be installed here: it needs apt-get, run as root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "chromium"]
    for command in (install, ["apt-get", "update"], install):  # the lists may be missing
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if command is install and result.returncode == 0 and CHROMIUM.exists():
            return None
    return f"Chromium could not be installed: {result.stderr.strip()[-500:]}"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        problem = _install_chromium()
        if problem is not None:
            pytest.skip(problem)
    return CHROMIUM


@pytest.fixture
async def server(demo: dict[str, str], settings: Settings, database_url: str) -> AsyncIterator[str]:
    """The app served over real HTTP and WebSockets with GraphiQL on; its base URL."""
    served = settings.model_copy(update={"database_url": database_url, "graphiql": True})
    config = uvicorn.Config(
        create_app(served), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(30):
            while not server.started:
                assert not task.done(), "the server did not start"
                await asyncio.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)


async def _set(page: Page, editor: str, value: str) -> None:
    await page.locator(editor).wait_for(timeout=STEP_MS)
    await page.eval_on_selector(editor, "(e, value) => e.CodeMirror.setValue(value)", value)


async def _result(page: Page, containing: str, timeout_ms: float = STEP_MS) -> dict[str, Any]:
    """The result pane's JSON, once it contains `containing`."""
    try:
        await page.wait_for_function(
            "([selector, text]) => document.querySelector(selector)?.CodeMirror"
            ".getValue().includes(text)",
            arg=[RESULT, containing],
            timeout=timeout_ms,
        )
    finally:
        shown: str = await page.eval_on_selector(RESULT, "e => e.CodeMirror.getValue()")
    result: dict[str, Any] = json.loads(shown)
    return result


async def _run(page: Page, document: str, headers: dict[str, str]) -> None:
    await _set(page, QUERY_EDITOR, document)
    await _set(page, HEADERS_EDITOR, json.dumps(headers))
    await page.wait_for_timeout(300)  # GraphiQL reads an edited document's operations after 100 ms
    await page.locator(EXECUTE).click(timeout=STEP_MS)


async def test_graphiql_works_offline_with_a_token_and_a_subscription(
    chromium: Path, server: str, demo: dict[str, str], engine: AsyncEngine
) -> None:
    local = server + "/"
    left_the_machine: list[str] = []

    async def only_this_server(route: Route) -> None:
        url = route.request.url
        if url.startswith(local) or url.startswith("data:"):
            await route.continue_()
        else:
            left_the_machine.append(url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox"], timeout=30_000
        )
        try:
            page = await browser.new_page()
            await page.route("**/*", only_this_server)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda message: problems.append(message.text) if message.type == "error" else None,
            )
            sockets: list[str] = []
            page.on("websocket", lambda socket: sockets.append(socket.url))

            await page.goto(server + "/graphql", timeout=STEP_MS)
            # Rendered from this server's assets alone: the editor, with its starting query.
            await page.locator(QUERY_EDITOR).wait_for(timeout=STEP_MS)
            starting = await page.eval_on_selector(QUERY_EDITOR, "e => e.CodeMirror.getValue()")
            assert '{"Authorization": "Bearer <token>"}' in starting
            assert "Headers tab" in starting
            # The Explorer plugin, in the sidebar, lists the schema's fields (introspected).
            await page.locator('button[aria-label="Show GraphiQL Explorer"]').click(timeout=STEP_MS)
            await page.locator('.graphiql-explorer-root [data-field-name="me"]').wait_for(
                timeout=STEP_MS
            )

            token = demo["admin"]
            await _run(page, "query Me { me { roles } }", {"Authorization": f"Bearer {token}"})
            assert "ADMIN" in (await _result(page, "roles"))["data"]["me"]["roles"]

            # A subscription over graphql-transport-ws at the same URL, signed in by the
            # header; an event published until it arrives (the subscribe is asynchronous).
            await _run(page, SUBSCRIPTION, {"Authorization": f"Bearer {token}"})
            async with engine.connect() as conn:
                uspm = await conn.scalar(select(LegalEntity.id).where(LegalEntity.code == "USPM"))
            event = {"table": "journal", "id": 4242, "status": "posted", "legal_entity_id": uspm}
            arrived = None
            async with asyncio.timeout(STEP_MS / 1000):
                while arrived is None:
                    async with engine.begin() as conn:
                        await conn.execute(
                            text("SELECT pg_notify(:channel, :payload)"),
                            {"channel": CHANNEL, "payload": json.dumps(event)},
                        )
                    with contextlib.suppress(PlaywrightTimeout):  # subscribed after it, then
                        arrived = await _result(page, "POSTED", timeout_ms=500)
            change = arrived["data"]["journalStatusChanges"]
            assert (change["typeName"], change["status"]) == ("Journal", "POSTED")
            assert sockets and all(
                url == server.replace("http", "ws") + "/graphql" for url in sockets
            )

            # The run button stops the subscription: its socket closes.
            await page.locator(STOP).click(timeout=STEP_MS)
            await page.locator(EXECUTE).wait_for(timeout=STEP_MS)

            # A token the server refuses closes the socket with 4403: the pane says so.
            await _run(page, SUBSCRIPTION, {"Authorization": "Bearer not-a-token"})
            refused = await _result(page, "WEBSOCKET_CLOSED")
            error = refused["errors"][0]
            assert error["extensions"]["closeCode"] == 4403
            assert "refused" in error["message"] and "Headers tab" in error["message"]

            assert left_the_machine == []
            assert problems == []  # no script error, no refusal by the page's own policy
        finally:
            await browser.close()
