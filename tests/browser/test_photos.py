"""Photos in Chromium: a practitioner uploads a baseline and a follow-up on the session page
and compares them (overlay, slider, change per zone); the camera page with Chromium's fake
camera shows the baseline as a ghost and refuses a frame without a face, saying what to do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from needlepoint.photos import services
from needlepoint.photos.models import Photo
from tests.browser.conftest import CHROMIUM
from tests.clinical_data import treated_session
from tests.conftest import as_actor
from tests.factories import PASSWORD
from tests.photos import helpers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PHOTO_DIR = tmp_path / "photos"
    return settings.PHOTO_DIR


@pytest.fixture
def session(admin, practitioner, patient):  # type: ignore[no-untyped-def]
    helpers.photo_consent(admin, patient)
    return treated_session(as_actor(practitioner), patient.pk)


def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/")


def _upload(page, data: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    photos = page.locator("#photos")
    photos.get_by_label("Photo *").set_input_files(
        files=[{"name": name, "mimeType": "image/jpeg", "buffer": data}]
    )
    photos.get_by_label("Pose").select_option("frontal")
    photos.get_by_role("button", name="Upload photo").click()
    page.get_by_role("status").filter(has_text="Photo saved (Frontal)").wait_for()


def test_upload_baseline_and_follow_up_then_compare(page, practitioner, session):  # type: ignore[no-untyped-def]
    _sign_in(page, practitioner.user.email)
    page.goto(f"/sessions/{session.pk}/")
    _upload(page, helpers.close_up(), "baseline.jpg")
    _upload(page, helpers.turned_close_up(), "follow-up.jpg")
    cards = page.locator("#photos figure.photo-card")
    cards.nth(1).wait_for()
    assert cards.count() == 2
    assert Photo.objects.filter(session=session).count() == 2

    page.get_by_role("link", name="Compare photos and see the figures over the course").click()
    page.get_by_role("heading", name="Photos over the course").wait_for()
    overlay = page.locator("#overlay-top")
    page.wait_for_function("() => document.querySelector('#overlay-top').naturalWidth > 0")
    page.get_by_label("Follow-up opacity").fill("20")
    assert overlay.evaluate("image => image.style.opacity") == "0.2"
    page.get_by_label("Baseline on the left, follow-up on the right of").fill("30")
    assert "30%" in page.locator("#slider-top").evaluate("image => image.style.clipPath")
    assert "30%" in page.locator("[data-slider-divider]").evaluate("line => line.style.left")

    deltas = page.get_by_role("table").filter(has_text="Δa*")
    expect(deltas.get_by_role("row", name="Left cheek")).to_be_visible()
    assert deltas.locator("tbody tr").count() == 6
    assert page.locator("figure.chart svg polyline").count() == 3 * 6


@pytest.fixture
def camera_page(django_db_setup, browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A separate Chromium whose camera is the fake device (a test pattern, no face)."""
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--disable-background-networking",
            "--disable-component-update",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
        ],
    )
    context = camera_browser.new_context(base_url=live_server.url, permissions=["camera"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    camera_browser.close()


def test_camera_shows_the_ghost_and_refuses_a_frame_without_a_face(  # type: ignore[no-untyped-def]
    camera_page, practitioner, session
):
    page = camera_page
    baseline = services.photo_upload(
        as_actor(practitioner), helpers.close_up(), "b.jpg", session_id=session.pk
    )
    _sign_in(page, practitioner.user.email)
    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("link", name="Capture with camera").click()

    ghost = page.get_by_role("img", name="Ghost of the baseline photo (Frontal")
    ghost.wait_for()
    assert ghost.get_attribute("src") == f"/photos/{baseline.pk}/image.jpg"
    page.wait_for_function("() => document.querySelector('[data-capture-ghost]').naturalWidth > 0")
    page.get_by_label("Ghost of the baseline photo").fill("60")
    assert ghost.evaluate("image => image.style.opacity") == "0.6"

    page.get_by_text("Camera ready.").wait_for()
    page.get_by_role("button", name="Capture and save").click()
    refusal = page.get_by_role("alert").filter(has_text="The photo was not saved")
    refusal.wait_for()
    expect(refusal).to_contain_text("no face could be measured in it")
    expect(refusal).to_contain_text("the whole face should be in the photo")
    assert Photo.objects.count() == 1
