from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "needlepoint.safety"
    label = "safety"
    verbose_name = "Safety and audit"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from needlepoint.safety import security

        user_login_failed.connect(security.on_signin_failed, dispatch_uid="security-signin")
        user_locked_out.connect(security.on_locked_out, dispatch_uid="security-lockout")
