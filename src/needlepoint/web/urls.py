from django.contrib.auth import views as auth_views
from django.urls import path

from needlepoint.reports.exports import TABLES
from needlepoint.reports.revenue import BILLING_TABLES
from needlepoint.web.views import (
    alerts,
    analytics,
    api_tokens,
    assessments,
    billing,
    calendar,
    calendar_report,
    clinic,
    consents,
    consultations,
    courses,
    data_rights,
    exports,
    lots,
    notify,
    outcomes,
    patients,
    portal,
    portal_booking,
    portal_progress,
    questionnaires,
    records,
    revenue,
    screenings,
    sessions,
    two_factor,
)
from needlepoint.web.views.photos import checkins as photo_checkins
from needlepoint.web.views.photos import compare as photo_compare
from needlepoint.web.views.photos import images as photo_images
from needlepoint.web.views.photos import sessions as photo_sessions

urlpatterns = [
    path("", clinic.home, name="home"),
    path("accounts/login/", two_factor.SignInView.as_view(), name="login"),
    path("accounts/two-factor/", two_factor.two_factor_enrol, name="two-factor-enrol"),
    path("accounts/two-factor/verify/", two_factor.two_factor_verify, name="two-factor-verify"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes_renew,
        name="recovery-codes-renew",
    ),
    path("accounts/api-tokens/", api_tokens.api_tokens, name="api-tokens"),
    path("accounts/api-tokens/revoke/", api_tokens.api_token_revoke, name="api-token-revoke"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("patients/", patients.patient_list, name="patient-list"),
    path("patients/new/", patients.patient_create, name="patient-create"),
    path("patients/<str:patient_id>/", patients.patient_detail, name="patient-detail"),
    path("patients/<str:patient_id>/edit/", patients.patient_edit, name="patient-edit"),
    path("patients/<str:patient_id>/confirm/", patients.patient_confirm, name="patient-confirm"),
    path("patients/<str:patient_id>/export.zip", data_rights.patient_export, name="patient-export"),
    path("patients/<str:patient_id>/erase/", data_rights.patient_erase_page, name="patient-erase"),
    path(
        "patients/<str:patient_id>/restrict/",
        data_rights.patient_restrict_action,
        name="patient-restrict",
    ),
    path("staff/", clinic.staff_list, name="staff-list"),
    path("staff/new/", clinic.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/edit/", clinic.staff_edit, name="staff-edit"),
    path(
        "staff/<int:staff_id>/two-factor/reset/",
        clinic.staff_two_factor_reset,
        name="staff-two-factor-reset",
    ),
    path("audit/", clinic.audit_list, name="audit-log"),
    path("clinic/settings/", clinic.clinic_settings, name="clinic-settings"),
    path("clinic/messages/", notify.message_texts, name="message-texts"),
    path("clinic/questionnaires/", questionnaires.questionnaires, name="clinic-questionnaires"),
    *(
        path(
            f"clinic/exports/{kind}.csv", exports.clinic_export, {"kind": kind}, name=f"{kind}-csv"
        )
        for kind in TABLES
    ),
    path("clinic/billing/", billing.billing_settings, name="billing-settings"),
    path("patients/<str:patient_id>/billing/", billing.patient_billing, name="patient-billing"),
    path("courses/<int:course_id>/quote/", billing.quote_create, name="quote-create"),
    path(
        "quotes/<int:quote_id>/accept/",
        billing.quote_accept_in_person,
        name="quote-accept-in-person",
    ),
    path("packages/<int:package_id>/payments/", billing.payment_record, name="payment-record"),
    path("packages/<int:package_id>/refunds/", billing.refund_record, name="refund-record"),
    path("packages/<int:package_id>/invoice/", billing.invoice_issue, name="invoice-issue"),
    path(
        "invoices/<int:invoice_id>/credit-note/",
        billing.credit_note_issue,
        name="credit-note-issue",
    ),
    path("invoices/<int:invoice_id>.pdf", billing.invoice_pdf, name="invoice-pdf"),
    path("receipts/<int:payment_id>.pdf", billing.receipt_pdf, name="receipt-pdf"),
    path("clinic/revenue/", revenue.billing_report, name="billing-report"),
    path("clinic/appointments/", calendar_report.calendar_report, name="calendar-report"),
    path("clinic/appointments.csv", calendar_report.calendar_csv, name="calendar-csv"),
    path("clinic/analytics/outcomes/", analytics.outcomes, name="analytics-outcomes"),
    path("clinic/analytics/safety/", analytics.safety, name="analytics-safety"),
    *(
        path(
            f"clinic/analytics/{page}.csv",
            analytics.analytics_csv,
            {"page": page},
            name=f"analytics-{page}-csv",
        )
        for page in analytics.PAGES
    ),
    *(
        path(
            f"clinic/analytics/{page}/patients/",
            analytics.figure_patients,
            {"page": page},
            name=f"analytics-{page}-patients",
        )
        for page in analytics.PAGES
    ),
    *(
        path(f"clinic/revenue/{kind}.csv", revenue.billing_csv, {"kind": kind}, name=f"{kind}-csv")
        for kind in BILLING_TABLES
    ),
    path("portal/billing/", billing.portal_billing, name="portal-billing"),
    path(
        "portal/quotes/<int:quote_id>/accept/",
        billing.portal_quote_accept,
        name="portal-quote-accept",
    ),
    path(
        "portal/invoices/<int:invoice_id>.pdf",
        billing.portal_invoice_pdf,
        name="portal-invoice-pdf",
    ),
    path(
        "portal/receipts/<int:payment_id>.pdf",
        billing.portal_receipt_pdf,
        name="portal-receipt-pdf",
    ),
    path("portal/", portal.portal, name="portal"),
    path("portal/sign-in/", portal.sign_in, name="portal-sign-in"),
    path("portal/sign-in/code/", portal.sign_in_code, name="portal-sign-in-code"),
    path("portal/sign-in/<str:token>/", portal.sign_in_link, name="portal-sign-in-link"),
    path("portal/check-in/", portal.checkin_new, name="portal-checkin-new"),
    path("portal/progress/", portal_progress.portal_progress, name="portal-progress"),
    path(
        "portal/progress/aligned.jpg",
        portal_progress.portal_photo_aligned,
        name="portal-photo-aligned",
    ),
    path(
        "portal/questions/<int:course_id>/<str:timepoint>/",
        outcomes.portal_outcomes,
        name="portal-outcomes",
    ),
    path(
        "portal/questions/<int:course_id>/<str:timepoint>/<int:session_number>/",
        outcomes.portal_outcomes,
        name="portal-outcomes-session",
    ),
    path("portal/check-ins/", portal.checkin_history, name="portal-checkins"),
    path("portal/access-log/", portal.access_log, name="portal-access-log"),
    path("portal/appointments/", portal_booking.portal_appointments, name="portal-appointments"),
    path(
        "portal/appointments/book/<int:session_id>/",
        portal_booking.portal_slots,
        name="portal-book",
    ),
    path(
        "portal/appointments/book/<int:session_id>/confirm/",
        portal_booking.portal_booking_confirm,
        name="portal-book-confirm",
    ),
    path(
        "portal/appointments/<int:appointment_id>/move/",
        portal_booking.portal_slots,
        name="portal-move",
    ),
    path(
        "portal/appointments/<int:appointment_id>/move/confirm/",
        portal_booking.portal_booking_confirm,
        name="portal-move-confirm",
    ),
    path(
        "portal/appointments/<int:appointment_id>/cancel/",
        portal_booking.portal_cancel,
        name="portal-cancel",
    ),
    path("portal/check-ins/<int:checkin_id>/", portal.checkin_result, name="portal-checkin"),
    path("patients/<str:patient_id>/portal-invite/", portal.portal_invite, name="portal-invite"),
    path("book/<slug:slug>/", consultations.public_booking, name="public-booking"),
    path("book/<slug:slug>/sent/", consultations.public_booking_sent, name="public-booking-sent"),
    path("requests/", consultations.consultation_requests, name="consultation-requests"),
    path(
        "requests/<int:request_id>/close/",
        consultations.consultation_request_close,
        name="consultation-request-close",
    ),
    path("alerts/", alerts.alert_list, name="alert-list"),
    path("alerts/<int:alert_id>/", alerts.alert_detail, name="alert-detail"),
    path("lots/", lots.lot_list, name="lot-list"),
    path("lots/new/", lots.lot_create, name="lot-create"),
    path("lots/<int:lot_id>/recall/", lots.lot_recall, name="lot-recall"),
    path("consent-templates/", consents.consent_templates, name="consent-templates"),
    path(
        "consent-templates/new/",
        consents.consent_template_publish,
        name="consent-template-publish",
    ),
    path(
        "patients/<str:patient_id>/consents/",
        consents.patient_consents,
        name="patient-consents",
    ),
    path(
        "patients/<str:patient_id>/consents/summary/",
        consents.patient_consents_summary,
        name="patient-consents-summary",
    ),
    path(
        "patients/<str:patient_id>/consents/sign/<str:kind>/",
        consents.patient_consent_sign,
        name="patient-consent-sign",
    ),
    path("consents/<str:consent_id>/revoke/", consents.consent_revoke, name="consent-revoke"),
    path(
        "consents/<str:consent_id>/countersign/",
        consents.consent_countersign,
        name="consent-countersign",
    ),
    path("portal/consents/", consents.portal_consents, name="portal-consents"),
    path(
        "portal/consents/sign/<str:kind>/",
        consents.portal_consent_sign,
        name="portal-consent-sign",
    ),
    path(
        "portal/consents/<str:consent_id>/revoke/",
        consents.portal_consent_revoke,
        name="portal-consent-revoke",
    ),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("calendar/book/", calendar.appointment_book, name="appointment-book"),
    path("calendar/feed/", calendar.staff_feed, name="staff-feed"),
    path("calendar/settings/", calendar.calendar_settings, name="calendar-settings"),
    path(
        "calendar/settings/rooms/<int:room_id>/in-use/",
        calendar.in_use_set,
        {"what": "room"},
        name="room-in-use",
    ),
    path(
        "calendar/settings/types/<int:type_id>/in-use/",
        calendar.in_use_set,
        {"what": "type"},
        name="type-in-use",
    ),
    path(
        "calendar/feed/<str:token>.ics",
        calendar.staff_calendar_feed,
        name="staff-calendar-feed",
    ),
    path(
        "appointments/<int:appointment_id>/", calendar.appointment_detail, name="appointment-detail"
    ),
    path(
        "appointments/<int:appointment_id>/move/",
        calendar.appointment_move,
        name="appointment-move",
    ),
    path(
        "appointments/<int:appointment_id>/status/",
        calendar.appointment_status,
        name="appointment-status",
    ),
    path("calendar/courses/<int:course_id>/", calendar.course_book, name="course-book"),
    path("dashboard/", records.dashboard, name="dashboard"),
    path("dashboard/list/", records.dashboard_section, name="dashboard-section"),
    path("portal/intake/", screenings.portal_intake, name="portal-intake"),
    path("patients/<str:patient_id>/intake/", screenings.intake_new, name="intake-new"),
    path("patients/<str:patient_id>/timeline/", records.timeline, name="patient-timeline"),
    path(
        "patients/<str:patient_id>/assessments/new/",
        assessments.assessment_new,
        name="assessment-new",
    ),
    path("screenings/<int:screening_id>/", screenings.screening_detail, name="screening-detail"),
    path("assessments/score/", assessments.assessment_score, name="assessment-score"),
    path(
        "assessments/<int:assessment_id>/", assessments.assessment_detail, name="assessment-detail"
    ),
    path("assessments/<int:assessment_id>/plan/", courses.course_plan, name="course-plan"),
    path("courses/<int:course_id>/", courses.course_detail, name="course-detail"),
    path(
        "courses/<int:course_id>/outcomes/<str:timepoint>/",
        outcomes.course_outcomes,
        name="course-outcomes",
    ),
    path(
        "courses/<int:course_id>/outcomes/<str:timepoint>/<int:session_number>/",
        outcomes.course_outcomes,
        name="course-outcomes-session",
    ),
    path("courses/<int:course_id>/timeline/", courses.course_timeline, name="course-timeline"),
    path(
        "courses/<int:course_id>/summary.pdf", courses.course_summary_pdf, name="course-summary-pdf"
    ),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:session_id>/chart/", sessions.session_chart, name="session-chart"),
    path("sessions/<int:session_id>/addenda/", sessions.session_addendum, name="session-addendum"),
    path("lots/<int:lot_id>/sessions/", sessions.lot_sessions, name="lot-sessions"),
    path("sessions/<int:session_id>/aftercare.ics", notify.session_ics, name="session-ics"),
    path("sessions/<int:session_id>/handout.pdf", notify.session_handout, name="session-handout"),
    path(
        "portal/sessions/<int:session_id>/aftercare.ics",
        notify.portal_session_ics,
        name="portal-session-ics",
    ),
    path(
        "portal/sessions/<int:session_id>/handout.pdf",
        notify.portal_session_handout,
        name="portal-session-handout",
    ),
    path("portal/calendar/", notify.portal_calendar, name="portal-calendar"),
    path("portal/mail/", notify.portal_mail_preferences, name="portal-mail-preferences"),
    path("calendar/<str:token>.ics", notify.calendar_feed, name="calendar-feed"),
    path("mail/unsubscribe/<str:token>/", notify.mail_unsubscribe, name="mail-unsubscribe"),
    path("sessions/<int:session_id>/photos/", photo_sessions.session_photos, name="session-photos"),
    path(
        "sessions/<int:session_id>/photos/new/",
        photo_sessions.session_photo_new,
        name="session-photo-new",
    ),
    path(
        "sessions/<int:session_id>/photos/capture/",
        photo_sessions.session_photo_capture,
        name="session-photo-capture",
    ),
    path("photos/<str:photo_id>/image.jpg", photo_images.photo_image, name="photo-image"),
    path("photos/<str:photo_id>/archive/", photo_sessions.photo_archive, name="photo-archive"),
    path(
        "check-ins/<int:checkin_id>/photos/", photo_checkins.checkin_photos, name="checkin-photos"
    ),
    path(
        "patients/<str:patient_id>/photos/compare/",
        photo_compare.patient_photo_compare,
        name="patient-photo-compare",
    ),
    path(
        "patients/<str:patient_id>/photos/aligned.jpg",
        photo_compare.photo_aligned,
        name="photo-aligned",
    ),
    path(
        "portal/check-in/with-photo/",
        photo_checkins.portal_checkin_with_photo,
        name="portal-checkin-with-photo",
    ),
    path(
        "portal/check-ins/<int:checkin_id>/photos/",
        photo_checkins.portal_checkin_photos,
        name="portal-checkin-photos",
    ),
    path(
        "portal/photos/<str:photo_id>/image.jpg",
        photo_images.portal_photo_image,
        name="portal-photo-image",
    ),
    path(
        "patients/<str:patient_id>/notifications/",
        notify.patient_notifications,
        name="patient-notifications",
    ),
]
