"""The demo's patients and who acts for each clinic, and how the demo finds its own patients
again: by name, date of birth and the demo's e-mail address, so that real patients who share
a demo name are never taken for the demo's (nor given its portal account)."""

from __future__ import annotations

from datetime import date

from needlepoint.clinics.models import Clinic
from needlepoint.patients.models import Patient

# (clinic, given, family, date of birth, sex, Fitzpatrick, language, phone)
PATIENTS = [
    ("demo", "Maya", "Thompson", date(1994, 3, 12), "female", 3, "en", "+1 212 555 0141"),
    ("demo", "Daniel", "Kim", date(1989, 7, 4), "male", 3, "ko", "+1 212 555 0142"),
    ("demo", "Aisha", "Bello", date(1997, 11, 23), "female", 5, "en", "+1 212 555 0143"),
    ("demo", "Lucas", "Moreau", date(1991, 1, 30), "male", 2, "fr", "+1 212 555 0144"),
    ("demo", "Sofia", "Hernández", date(2000, 5, 17), "female", 4, "es", "+1 212 555 0145"),
    ("demo", "Ethan", "O'Connor", date(1986, 9, 9), "male", 1, "en", "+1 212 555 0146"),
    ("demo", "Priyanka", "Nair", date(1995, 12, 2), "female", 4, "hi", "+1 212 555 0147"),
    ("demo", "Jamal", "Washington", date(1993, 6, 21), "male", 6, "en", "+1 212 555 0148"),
    ("demo", "Mei", "Chen", date(1998, 2, 14), "female", 3, "zh", "+1 212 555 0149"),
    ("demo", "Oliver", "Schmidt", date(1984, 10, 28), "male", 2, "de", "+1 212 555 0150"),
    ("demo", "Linh", "Nguyen", date(2002, 8, 5), "female", 4, "vi", "+1 212 555 0151"),
    ("demo", "Grace", "Adeyemi", date(1990, 4, 3), "female", 6, "en", "+1 212 555 0152"),
    ("demo", "Jordan", "Patel", date(1999, 9, 15), "other", 4, "en", "+1 212 555 0153"),
    ("northside", "Harriet", "Clarke", date(1992, 2, 8), "female", 2, "en", "+44 7700 900101"),
    ("northside", "Kwame", "Asante", date(1988, 12, 19), "male", 6, "en", "+44 7700 900102"),
    ("northside", "Zara", "Hussain", date(1996, 7, 27), "female", 4, "ar", "+44 7700 900103"),
    ("northside", "Finn", "Murphy", date(2001, 3, 11), "male", 1, "en", "+44 7700 900104"),
]

PORTAL_PATIENT = ("patient@demo.needlepoint.test", "Maya", "Thompson")

PRACTITIONERS = {
    "demo": "practitioner@demo.needlepoint.test",
    "northside": "practitioner@northside.needlepoint.test",
}


def demo_email(given: str, family: str) -> str:
    local = f"{given}.{family}".lower().replace("'", "").replace("á", "a").replace("é", "e")
    return f"{local}@example.test"


def demo_patient(clinic: Clinic, given: str) -> Patient | None:
    """The clinic's demo patient of that given name, if seeded."""
    for slug, first, family, born, *_ in PATIENTS:
        if slug == clinic.slug and first == given:
            return (
                Patient.objects.filter(
                    clinic=clinic,
                    given_name=given,
                    family_name=family,
                    date_of_birth=born,
                    email=demo_email(given, family),
                )
                .order_by("created_at")
                .first()
            )
    raise LookupError(f"{given} is not a demo patient of {clinic.slug}")
