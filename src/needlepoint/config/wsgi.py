import os

from django.core.wsgi import get_wsgi_application

from needlepoint.config.environment import keep_files_private

keep_files_private()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needlepoint.config.settings")
application = get_wsgi_application()
