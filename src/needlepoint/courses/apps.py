from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "needlepoint.courses"
    label = "courses"
    verbose_name = "Assessments, courses and sessions"
