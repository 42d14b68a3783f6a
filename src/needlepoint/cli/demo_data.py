"""The demo clinics, staff and patients; seeding twice changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from needlepoint.accounts.models import User
from needlepoint.cli.demo_billing import seed_billing
from needlepoint.cli.demo_calendar import seed_calendar
from needlepoint.cli.demo_clinical import seed_histories
from needlepoint.cli.demo_outcomes import seed_completed_course
from needlepoint.cli.demo_people import PATIENTS, PORTAL_PATIENT, demo_email, demo_patient
from needlepoint.cli.demo_photos import seed_sample_photos
from needlepoint.clinics.actors import Actor, actor_for
from needlepoint.clinics.models import Clinic, Staff
from needlepoint.clinics.services import clinic_create
from needlepoint.notify.models import SmsConsent
from needlepoint.notify.services import sms_consent_give
from needlepoint.patients.models import ConsentTemplate
from needlepoint.patients.services import patient_create
from needlepoint.safety.models import Lot
from needlepoint.safety.selectors import clinic_today
from needlepoint.safety.services import lot_create, lot_recall

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
def seed_demo(password: str, *, sample_photos: bool = False) -> list[tuple[str, str]]:
    """Create whatever of the demo data is missing; return the accounts and what they are.
    `sample_photos`: add the sample photo series to the portal patient's course too."""
    clinics = {}
    for fields in CLINICS:
        found = Clinic.objects.filter(slug=fields["slug"]).first()
        clinics[fields["slug"]] = found or clinic_create(**fields)
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
        if demo_patient(clinic, given) is None:
            patient_create(
                _creator(clinic),
                given_name=given,
                family_name=family,
                date_of_birth=born,
                sex=sex,
                fitzpatrick=fitzpatrick,
                preferred_language=language,
                phone=phone,
                email=demo_email(given, family),
            )
    portal_email, given, family = PORTAL_PATIENT
    portal_user = _user(portal_email, f"{given} {family}", password)
    portal_patient = demo_patient(clinics["demo"], given)
    if portal_patient is not None and portal_patient.user_id is None:
        portal_patient.user = portal_user
        portal_patient.save(update_fields=["user"])
    accounts.append((portal_email, f"Demo Clinic: patient portal ({given} {family})"))
    for clinic in clinics.values():
        _seed_lots_and_consent(clinic)
    seed_histories(clinics["demo"])
    seed_completed_course(clinics["demo"])
    _seed_sms_consents(clinics["demo"])
    seed_calendar(clinics["demo"], _creator(clinics["demo"]))
    seed_billing(clinics["demo"])
    if sample_photos:
        seed_sample_photos(clinics["demo"])
    return accounts


# Patients who agreed to texts, and how: their reminders arrive in the demo's sms/ folder too.
SMS_PATIENTS = [("Maya", SmsConsent.Method.PORTAL), ("Daniel", SmsConsent.Method.IN_PERSON)]


def _seed_sms_consents(clinic: Clinic) -> None:
    for given, method in SMS_PATIENTS:
        patient = demo_patient(clinic, given)
        if patient is None or SmsConsent.objects.filter(patient=patient).exists():
            continue
        by_patient = method == SmsConsent.Method.PORTAL and patient.user is not None
        actor = actor_for(patient.user) if by_patient else _creator(clinic)
        assert actor is not None
        sms_consent_give(actor, patient.pk, phone=patient.phone, method=method)


# Lots and consent forms: created once per clinic, so that seeding again changes nothing.

# (kind, manufacturer, product, lot number, expiry in days from today, recall reason)
LOTS = {
    "demo": [
        (
            "cartridge",
            "Acme Dermal Devices",
            "MicroPen sterile cartridge, 12 needles",
            "ADD-C12-2405",
            420,
            "",
        ),
        (
            "cartridge",
            "Acme Dermal Devices",
            "MicroPen sterile cartridge, 36 needles",
            "ADD-C36-2311",
            -45,
            "",
        ),
        (
            "product",
            "Lumen Skin Laboratories",
            "Sterile hyaluronic acid serum 1%, 5 mL",
            "LSL-HA-2407",
            300,
            "",
        ),
        (
            "product",
            "Northbridge Pharma",
            "Lidocaine 4% topical cream, 30 g",
            "NBP-LC4-2402",
            200,
            "Field safety notice FSN-031: some tubes may be under strength; quarantine them "
            "and return to the supplier.",
        ),
    ],
    "northside": [
        (
            "cartridge",
            "Acme Dermal Devices",
            "MicroPen sterile cartridge, 12 needles",
            "ADD-C12-2409",
            480,
            "",
        ),
        (
            "cartridge",
            "Acme Dermal Devices",
            "MicroPen sterile cartridge, 16 needles",
            "ADD-C16-2312",
            -20,
            "",
        ),
        (
            "product",
            "Lumen Skin Laboratories",
            "Sterile hyaluronic acid serum 1%, 5 mL",
            "LSL-HA-2403",
            150,
            "Supplier notice: sterility of this lot cannot be assured; do not use.",
        ),
    ],
}

TREATMENT_CONSENT = """\
I ask {clinic} to treat my acne scars with microneedling (collagen induction therapy), as a \
course of sessions planned with my practitioner.

What the treatment involves: a device with fine sterile needles makes many small punctures in \
the skin, to a depth chosen for each area of my face. A numbing cream is usually applied \
first, and a serum may be applied during or after treatment. Most people need three to six \
sessions, four to six weeks apart. Improvement is gradual and usually partial; results vary \
and are not guaranteed.

What to expect: redness, swelling and a feeling like sunburn for one to three days; pinpoint \
bleeding during treatment that stops quickly; tight, dry or flaking skin for a few days.

Risks include: bruising, especially around the eyes; infection, including a flare of cold \
sores if I have had them before; post-inflammatory hyperpigmentation (darker patches that can \
last weeks to months, more likely in darker skin and after sun exposure); a temporary acne \
flare or milia; and, rarely, granulomas (firm lumps), an allergic reaction (for example to a \
serum or the numbing cream), scarring or track marks.

I have told the clinic about my medical history, medicines (including isotretinoin in the \
last six months and blood thinners), allergies, pregnancy or breastfeeding, and any keloid \
scars or cold sores. I will follow the aftercare instructions, protect my skin from the sun, \
and contact the clinic about anything that worries me, such as increasing pain, pus, fever or \
spreading redness.

I have been able to ask questions and I understand the alternatives, including no treatment, \
chemical peels, lasers and subcision. I may withdraw this consent at any time by telling the \
clinic."""

PHOTO_CONSENT = """\
{clinic} takes standard photographs of my face before and during my course of treatment, in \
the same poses and lighting, so that my practitioner and I can see how my acne scars respond.

I choose which of these uses I agree to:
- Clinical record: kept in my record to plan and follow my treatment; seen only by the \
clinic's staff caring for me.
- Teaching: shown to health professionals in teaching, conferences or publications, with my \
name and identifying details removed (my face may still be recognisable).
- Marketing: used on the clinic's website, social media or printed material, where I may be \
recognised.

The photographs are stored securely with my record and I will not be paid for any use. \
Declining teaching or marketing does not affect my care. I may withdraw this consent, or any \
one use, at any time in the patient portal or by telling the clinic; photographs already \
published (for example in print) may not be recalled, but they will not be used that way \
again."""

CONSENT_TEMPLATES = [
    ("treatment", "Consent to microneedling for acne scars", TREATMENT_CONSENT),
    ("photo", "Consent to photographs of my treatment", PHOTO_CONSENT),
]


def _seed_lots_and_consent(clinic: Clinic) -> None:
    creator = _creator(clinic)
    today = clinic_today(clinic)
    for kind, manufacturer, product, number, expires_in, recall in LOTS[clinic.slug]:
        if Lot.objects.filter(clinic=clinic, kind=kind, lot_number=number).exists():
            continue
        lot = lot_create(
            creator,
            kind=kind,
            manufacturer=manufacturer,
            product_name=product,
            lot_number=number,
            expiry_date=today + timedelta(days=expires_in),
            received_at=today - timedelta(days=60),
        )
        if recall:
            lot_recall(creator, lot.pk, recall)
    # Version 1 of each form, loaded as an operator would (Northside has no clinic admin).
    for kind, title, body in CONSENT_TEMPLATES:
        ConsentTemplate.objects.get_or_create(
            clinic=clinic,
            kind=kind,
            version=1,
            defaults={
                "title": title,
                "body": body.format(clinic=clinic.name),
                "created_by": creator.user,
            },
        )
