from django.contrib.auth import views as auth_views
from django.urls import path

from needlepoint.web.views import clinic, clinical, consents, lots, patients, sessions

urlpatterns = [
    path("", clinic.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
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
    path("staff/", clinic.staff_list, name="staff-list"),
    path("staff/new/", clinic.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/edit/", clinic.staff_edit, name="staff-edit"),
    path("audit/", clinic.audit_list, name="audit-log"),
    path("portal/", clinic.portal, name="portal"),
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
    path("dashboard/", clinical.dashboard, name="dashboard"),
    path("portal/intake/", clinical.portal_intake, name="portal-intake"),
    path("patients/<str:patient_id>/intake/", clinical.intake_new, name="intake-new"),
    path("patients/<str:patient_id>/timeline/", clinical.timeline, name="patient-timeline"),
    path(
        "patients/<str:patient_id>/assessments/new/",
        clinical.assessment_new,
        name="assessment-new",
    ),
    path("screenings/<int:screening_id>/", clinical.screening_detail, name="screening-detail"),
    path("assessments/score/", clinical.assessment_score, name="assessment-score"),
    path("assessments/<int:assessment_id>/", clinical.assessment_detail, name="assessment-detail"),
    path("assessments/<int:assessment_id>/plan/", clinical.course_plan, name="course-plan"),
    path("courses/<int:course_id>/", clinical.course_detail, name="course-detail"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:session_id>/chart/", sessions.session_chart, name="session-chart"),
    path("sessions/<int:session_id>/addenda/", sessions.session_addendum, name="session-addendum"),
    path("lots/<int:lot_id>/sessions/", sessions.lot_sessions, name="lot-sessions"),
]
