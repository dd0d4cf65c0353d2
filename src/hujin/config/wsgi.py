"""The WSGI application: what gunicorn runs (``hujin.config.wsgi:application``) and, through
``WSGI_APPLICATION``, ``hujin serve``.

Django's handler guarded (``hujin.core.middleware.GuardedWSGIHandler``): a request whose headers
Django cannot parse gets a 400 rather than a 500.
"""

import os

import django
from django.apps import apps

from hujin.core.middleware import GuardedWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hujin.config.settings")
# What django.core.wsgi.get_wsgi_application does, unless Django is already set up (`hujin
# serve`, a test session): setting up again would configure logging again, dropping the
# handlers installed since.
if not apps.ready:
    django.setup(set_prefix=False)
application = GuardedWSGIHandler()
