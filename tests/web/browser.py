"""What the browser tests share: Debian's Chromium through Playwright, the app served by uvicorn
in a thread on a free port, a logged-in browser context, and a folder for screenshots.

Importing this module skips the importing test module when playwright or Chromium is missing
(``$FACTFINDER_CHROMIUM``, else ``chromium`` on the PATH, else /usr/bin/chromium)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("FACTFINDER_CHROMIUM") or shutil.which("chromium") or \
    "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("no chromium", allow_module_level=True)

import uvicorn  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Playwright,
    expect,
    sync_playwright,
)

from .conftest import session_for  # noqa: E402

__all__ = ["CHROMIUM", "TRAP", "context", "expect", "free_port", "launch", "serve",
           "shots_dir", "sync_playwright"]

# Runs before any page script: an alert, confirm or prompt anywhere is recorded.
TRAP = ("window.__xss = []; for (const f of ['alert', 'confirm', 'prompt']) "
        "{ window[f] = (x) => { window.__xss.push(String(x)); }; }")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """``app`` served on 127.0.0.1 in a thread for as long as the block runs: its base URL."""
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(5)


def launch(p: Playwright) -> Browser:
    return p.chromium.launch(executable_path=CHROMIUM, headless=True)


def context(browser: Browser, base: str, db: Any = None, role: str | None = None,
            ) -> BrowserContext:
    """A browser context, logged in as a user named after ``role`` (created on first use)
    when ``role`` is given, with the alert trap installed on every page."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    if role is not None:
        ctx.add_cookies([{"name": "ff_session", "value": session_for(db, role), "url": base}])
    ctx.add_init_script(TRAP)
    return ctx


def shots_dir(tmp_path: Path) -> Path:
    """$FACTFINDER_SCREENSHOTS if set, else the test's temporary folder."""
    shots = Path(os.environ.get("FACTFINDER_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots
