"""Debian's chromium as the browser tests and bench/uebertragung.py start it (Playwright cannot
download its own browser here). CHROMIUM=/path/to/chromium for another binary."""

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
