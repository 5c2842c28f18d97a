"""Headless Chromium, for the tests and the README screenshot."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .model import Site
from .package import Table, text

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextlib.contextmanager
def chrome(javascript: bool = True, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A headless Debian Chromium driven by Selenium, with console logs kept and no background traffic.

    Each browser gets a fresh profile folder (a shared one makes Chromium refuse to start twice), removed on exit.
    """
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="site-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    try:
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(site_dir: Path, png: Path, stem: str | None = None) -> Path:
    """Save a picture of an article page with one claim selected, for the README."""
    from selenium.webdriver.support.ui import WebDriverWait

    site = Site(site_dir)
    stem = stem or next(iter(site.seeds))
    claims = [r for r in site.tables.get("claims", Table("", {}, [], [])).rows if site.article_stem.get(text(r.get("article_id"))) == stem]
    fragment = f"#char={claims[0]['char_start']},{claims[0]['char_end']}" if claims else ""
    with chrome(width=1280, height=860) as driver:
        driver.get((site_dir / "seeds" / f"{stem}.html").resolve().as_uri() + fragment)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        png.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(png))
    return png
