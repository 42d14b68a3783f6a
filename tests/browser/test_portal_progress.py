"""On a phone: a patient opens "My progress" after their last session and drags the
before/after slider over their first and latest photos; at the middle session, where the
latest photo shows another pose, the page says why it compares nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from needlepoint.photos import services as photos
from tests.browser.conftest import phone_for
from tests.clinical_data import planned_course, treat
from tests.conftest import as_actor
from tests.photos.helpers import close_up, photo_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PHOTO_DIR = tmp_path / "photos"


def test_the_slider_and_no_comparison_of_different_poses(  # type: ignore[no-untyped-def]
    browser, live_server, admin, practitioner, portal_patient
):
    actor = as_actor(practitioner)
    start = timezone.now() - timedelta(weeks=9)
    course = planned_course(actor, portal_patient.pk, first_session_at=start)
    photo_consent(admin, portal_patient)
    for number in (1, 2, 3):
        session = treat(actor, course.sessions.get(number=number), start + (number - 1) * 4 * WEEK)
        photos.photo_upload(actor, close_up(), "f.jpg", session_id=session.pk, pose="frontal")
        if number == 2:
            photos.photo_upload(
                actor, close_up(), "s.jpg", session_id=session.pk, pose="left_profile",
                keep_anyway=True,
            )  # fmt: skip
    phone = phone_for(browser, live_server, portal_patient)

    phone.goto("/portal/")
    phone.get_by_role("link", name="My progress").click()
    expect(phone.get_by_role("heading", name="Before and after")).to_be_visible()
    expect(phone.get_by_role("link", name="After your last session")).to_have_attribute(
        "aria-current", "page"
    )
    later = phone.locator("#slider-top")
    expect(later).to_have_js_property("complete", True)
    assert later.evaluate("image => image.naturalWidth") > 0  # the lined-up photo loaded
    phone.get_by_label("Your first photo on the left, your later one on the right of").fill("80")
    expect(later).to_have_attribute("style", re.compile(r"inset\(0(px)? 0(px)? 0(px)? 80%\)"))
    expect(
        phone.get_by_role("heading", name="What studies report for courses like yours")
    ).to_be_visible()
    expect(phone.locator("[data-study]").first).to_be_visible()

    phone.get_by_role("link", name="After session 2 of 3").click()
    expect(phone.get_by_text("No comparison: the poses differ.")).to_be_visible()
    expect(phone.locator("#slider-top")).to_have_count(0)
    phone.context.close()


WEEK = timedelta(weeks=1)
