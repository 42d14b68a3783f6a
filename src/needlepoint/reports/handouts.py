"""The aftercare handout of a session as a PDF: the clinic and its contact, the patient, the
dated instructions (clinic-local times) and the warning signs, all from the knowledge."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.template import Context, Engine
from django.utils import timezone

from needlepoint.clinics.actors import Actor
from needlepoint.notify.selectors import SessionAftercare, access_session_aftercare

TEMPLATES = Path(__file__).parent / "templates"
ENGINE = Engine(dirs=[str(TEMPLATES)], autoescape=True)


def _moment(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def handout_html(care: SessionAftercare, printed_at: datetime) -> str:
    items = [
        {
            "title": item.title,
            "text": item.text,
            "starts": _moment(item.starts_at),
            "ends": _moment(item.ends_at) if item.announce_end else "Ongoing",
        }
        for item in sorted(care.aftercare.items, key=lambda item: (item.starts_at, item.ends_at))
    ]
    context = {
        "clinic": care.clinic,
        "patient": care.patient,
        "session": care.session,
        "performed": _moment(care.performed_at),
        "zone": care.clinic.time_zone,
        "items": items,
        "signs": care.warning_signs,
        "printed": _moment(printed_at.astimezone(care.zone)),
    }
    return ENGINE.get_template("reports/aftercare_handout.html").render(Context(context))


def render_pdf(html: str) -> bytes:
    from PIL import ImageFile
    from weasyprint import HTML  # imported on use: it loads Pango

    # Importing WeasyPrint makes Pillow accept truncated images in the whole process; photo
    # ingest must keep refusing them (handouts embed no photos).
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf


def access_aftercare_handout(
    actor: Actor, session_id: object, now: datetime | None = None
) -> bytes:
    """The handout of a signed session: staff with clinical read, or the patient for their
    own sessions (404 otherwise); the read is audited."""
    care = access_session_aftercare(actor, session_id, use="pdf")
    return render_pdf(handout_html(care, now or timezone.now()))
