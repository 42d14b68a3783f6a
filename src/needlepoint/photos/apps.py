from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "needlepoint.photos"
    label = "photos"
    verbose_name = "Photos and their analysis"
