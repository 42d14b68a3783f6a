import os

from django.core.asgi import get_asgi_application

from needlepoint.config.environment import keep_files_private

keep_files_private()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.config.settings")
application = get_asgi_application()
