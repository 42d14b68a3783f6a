"""Playwright driving Debian's Chromium (no browser download); required under CI=true."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections

from tests.conftest import signed_in
from tests.services import require

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require(bool(shutil.which(CHROMIUM)), f"Chromium at {CHROMIUM} (scripts/bootstrap installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running; the ORM calls of the tests run beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's connections per async
        # context; close those before the loop ends, or they outlive the test database.
        connections.close_all()


@pytest.fixture
def page(django_db_setup, browser, live_server):  # type: ignore[no-untyped-def]
    # django_db_setup first: the live server must stop before the test database is dropped.

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def phone_for(browser, live_server, patient):  # type: ignore[no-untyped-def]
    """The patient's phone, signed in to the portal (close its context when done)."""
    cookie = signed_in(patient).cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    return phone
