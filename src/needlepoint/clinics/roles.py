"""Roles and what each may do: the one permission table of the app."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLINIC_ADMIN = "clinic_admin"
    PRACTITIONER = "practitioner"
    FRONT_DESK = "front_desk"
    PATIENT = "patient"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Permission(StrEnum):
    PATIENT_READ = "patient.read"
    PATIENT_CREATE = "patient.create"
    PATIENT_UPDATE = "patient.update"
    STAFF_MANAGE = "staff.manage"
    AUDIT_READ = "audit.read"
    CLINICAL_READ = "clinical.read"
    INTAKE_RECORD = "intake.record"
    ASSESSMENT_RECORD = "assessment.record"
    COURSE_PLAN = "course.plan"
    SCREENING_DECIDE = "screening.decide"  # acknowledge precautions, override blocks
    SESSION_CHART = "session.chart"
    LOT_READ = "lot.read"
    LOT_MANAGE = "lot.manage"  # add lots, record recalls
    CONSENT_TEMPLATE_MANAGE = "consent_template.manage"
    CONSENT_RECORD = "consent.record"  # sign and revoke consents; a patient only their own
    CONSENT_COUNTERSIGN = "consent.countersign"  # the practitioner's countersignature
    CHECKIN_SUBMIT = "checkin.submit"  # a patient reporting on their recovery
    ALERT_MANAGE = "alert.manage"  # acknowledge, contact, resolve; record adverse events
    PHOTO_RECORD = "photo.record"  # session photos; a patient's check-in photo is CHECKIN_SUBMIT
    PATIENT_DATA_RIGHTS = "patient.data_rights"  # export a whole record, erase it
    BILLING_READ = "billing.read"  # quotes, packages, payments, invoices; a patient their own
    BILLING_RECORD = "billing.record"  # quote, record payments and refunds, invoice
    BILLING_REPORT = "billing.report"  # revenue and outstanding balances of the clinic
    QUOTE_ACCEPT = "quote.accept"  # a patient accepting their own quote
    CALENDAR_READ = "calendar.read"  # the clinic's appointment calendar
    APPOINTMENT_BOOK = "appointment.book"  # book, move, cancel; arrivals and no-shows
    # A patient booking, moving or cancelling their own session in the portal, within the
    # clinic's notice and after re-screening (records.self_booking); no calendar API.
    APPOINTMENT_SELF_BOOK = "appointment.self_book"
    SCHEDULE_MANAGE = "schedule.manage"  # rooms, appointment types, hours and closures
    CALENDAR_REPORT = "calendar.report"  # appointments, utilisation and no-shows of the clinic


STAFF_ROLES = (Role.CLINIC_ADMIN, Role.PRACTITIONER, Role.FRONT_DESK)

REGISTRY = frozenset(
    {Permission.PATIENT_READ, Permission.PATIENT_CREATE, Permission.PATIENT_UPDATE}
)
CLINICAL = frozenset(
    {
        Permission.CLINICAL_READ,
        Permission.INTAKE_RECORD,
        Permission.ASSESSMENT_RECORD,
        Permission.COURSE_PLAN,
        Permission.SCREENING_DECIDE,
        Permission.SESSION_CHART,
    }
)
LOTS = frozenset({Permission.LOT_READ, Permission.LOT_MANAGE})
CALENDAR = frozenset({Permission.CALENDAR_READ, Permission.APPOINTMENT_BOOK})

GRANTS: dict[Role, frozenset[Permission]] = {
    # Clinical decisions and charting belong to licensed practitioners only; admins read
    # clinical records, manage staff, lots and consent forms.
    Role.CLINIC_ADMIN: REGISTRY
    | LOTS
    | CALENDAR
    | {
        Permission.SCHEDULE_MANAGE,
        Permission.CALENDAR_REPORT,
        Permission.STAFF_MANAGE,
        Permission.AUDIT_READ,
        Permission.CLINICAL_READ,
        Permission.CONSENT_TEMPLATE_MANAGE,
        Permission.CONSENT_RECORD,
        Permission.PATIENT_DATA_RIGHTS,
        Permission.BILLING_READ,
        Permission.BILLING_RECORD,
        Permission.BILLING_REPORT,
    },
    Role.PRACTITIONER: REGISTRY
    | CLINICAL
    | LOTS
    | CALENDAR
    | {
        Permission.CONSENT_RECORD,
        Permission.CONSENT_COUNTERSIGN,
        Permission.ALERT_MANAGE,
        Permission.PHOTO_RECORD,
        Permission.BILLING_READ,
    },
    Role.FRONT_DESK: REGISTRY
    | CALENDAR
    | {
        Permission.LOT_READ,
        Permission.CONSENT_RECORD,
        Permission.BILLING_READ,
        Permission.BILLING_RECORD,
    },
    # A patient reads their own record, fills in their own intake, signs their own consents
    # and books their own sessions in the portal (`records.self_booking.services`, which holds the
    # clinic's notice and the re-screening); the access functions do the scoping.
    Role.PATIENT: frozenset(
        {
            Permission.PATIENT_READ,
            Permission.INTAKE_RECORD,
            Permission.CONSENT_RECORD,
            Permission.CHECKIN_SUBMIT,
            Permission.QUOTE_ACCEPT,
            Permission.APPOINTMENT_SELF_BOOK,
        }
    ),
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]
