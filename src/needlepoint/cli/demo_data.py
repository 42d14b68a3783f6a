"""The demo clinics, staff and patients; seeding twice changes nothing."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.patients.models import Patient
from needlepoint.patients.services import patient_create

CLINICS = [
    {
        "slug": "demo",
        "name": "Demo Clinic",
        "time_zone": "America/New_York",
        "currency": "USD",
        "record_prefix": "DC",
        "phone": "+1 212 555 0100",
        "email": "hello@demo.needlepoint.test",
        "address": "100 Example Avenue\nNew York, NY 10001",
    },
    {
        "slug": "northside",
        "name": "Northside Clinic",
        "time_zone": "Europe/London",
        "currency": "GBP",
        "record_prefix": "NS",
        "phone": "+44 20 7946 0000",
        "email": "reception@northside.needlepoint.test",
        "address": "2 North Street\nLondon N1 1AA",
    },
]

STAFF = [
    ("demo", "admin@demo.needlepoint.test", "Alex Morgan", "clinic_admin", "Clinic manager", ""),
    (
        "demo",
        "practitioner@demo.needlepoint.test",
        "Dr Priya Shah",
        "practitioner",
        "Dermatologist",
        "MD-NY-204518",
    ),
    ("demo", "frontdesk@demo.needlepoint.test", "Sam Rivera", "front_desk", "Receptionist", ""),
    (
        "northside",
        "practitioner@northside.needlepoint.test",
        "Dr Tom Okafor",
        "practitioner",
        "Aesthetic physician",
        "GMC-7341925",
    ),
]

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
ADMINS = {
    "demo": "admin@demo.needlepoint.test",
    "northside": "practitioner@northside.needlepoint.test",
}


def _user(email: str, full_name: str, password: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _creator(clinic: Clinic) -> Actor:
    actor = actor_for(User.objects.get(email=ADMINS[clinic.slug]))
    assert actor is not None
    return actor


@transaction.atomic
def seed_demo(password: str) -> list[tuple[str, str]]:
    """Create whatever of the demo data is missing; return the accounts and what they are."""
    clinics = {}
    for fields in CLINICS:
        values = dict(fields)
        clinics[fields["slug"]], _ = Clinic.objects.get_or_create(
            slug=values.pop("slug"), defaults=values
        )
    accounts = []
    for slug, email, name, role, profession, licence in STAFF:
        user = _user(email, name, password)
        Staff.objects.get_or_create(
            user=user,
            defaults={
                "clinic": clinics[slug],
                "role": role,
                "profession": profession,
                "licence_number": licence,
            },
        )
        accounts.append((email, f"{clinics[slug].name}: {role.replace('_', ' ')}"))
    for slug, given, family, born, sex, fitzpatrick, language, phone in PATIENTS:
        clinic = clinics[slug]
        if not Patient.objects.filter(
            clinic=clinic, given_name=given, family_name=family, date_of_birth=born
        ).exists():
            email = f"{given}.{family}".lower().replace("'", "").replace("á", "a")
            patient_create(
                _creator(clinic),
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=sex,
                fitzpatrick=fitzpatrick,
                preferred_language=language,
                phone=phone,
                email=f"{email.replace('é', 'e')}@example.test",
            )
    portal_email, given, family = PORTAL_PATIENT
    portal_user = _user(portal_email, f"{given} {family}", password)
    Patient.objects.filter(
        clinic=clinics["demo"], given_name=given, family_name=family, user__isnull=True
    ).update(user=portal_user)
    accounts.append((portal_email, f"Demo Clinic: patient portal ({given} {family})"))
    return accounts
