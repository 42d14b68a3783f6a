"""The course timeline in Chromium: from the course page to the timeline of a course with
two treated sessions; its score and photo-figure charts draw with the sessions and events
marked, the tables hold the rows, and the photo series' images load (the follow-up lined
up with the first)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_photos import _sign_in
from tests.records.course_story import course_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_course_timeline_plots_and_lists_the_course(  # type: ignore[no-untyped-def]
    page, settings, tmp_path, practitioner, admin, portal_patient
):
    settings.PHOTO_DIR = tmp_path / "photos"
    story = course_story(practitioner, admin, portal_patient)
    _sign_in(page, practitioner.user.email)
    page.goto(f"/courses/{story.course.pk}/")
    page.get_by_role("link", name="Course timeline").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Course timeline")

    charts = page.locator("figure.chart")
    expect(charts).to_have_count(9)
    ecca = page.locator('figure[data-chart="ecca"]')
    expect(ecca.get_by_role("img", name="ECCA score over time")).to_be_visible()
    expect(ecca.locator("g.series")).to_have_count(3)  # the face and two zones
    expect(ecca.locator('g[data-marker="session"]')).to_have_count(2)
    expect(ecca.locator('g[data-marker="adverse_event"]')).to_have_count(1)
    expect(ecca.locator('g[data-marker="alert"]')).to_have_count(1)
    expect(ecca).to_contain_text("weighted scar counts")  # its basis
    redness = page.locator('figure[data-chart="a"]')
    expect(redness.locator("circle")).to_have_count(6 * 2)  # six zones, two photos

    sessions = page.locator('table[data-table="sessions"] tbody tr')
    expect(sessions).to_have_count(3)
    expect(sessions.nth(1)).to_contain_text(f"CART-{story.second.pk}")
    expect(sessions.nth(1)).to_contain_text("Left cheek 1.5 mm")
    expect(page.locator('table[data-table="score-scar_bother"] tbody tr')).to_have_count(2)
    expect(page.locator('table[data-table="events"] tbody tr')).to_have_count(2)

    photos = page.locator(".series-photos img")
    expect(photos).to_have_count(2)
    for n in range(2):
        photo = photos.nth(n)
        photo.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
        )
    assert "aligned.jpg" in (photos.nth(1).get_attribute("src") or "")
    expect(page.get_by_text("1 photo hidden: consent withdrawn.")).to_be_visible()
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
