"""Test overrides on top of the one settings module."""

import os
import tempfile

# Tests run the development settings; tests/test_settings.py starts the
# production ones (DEBUG unset) in a subprocess.
os.environ.setdefault("DEBUG", "true")

from netzwerk.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Per-process cache: rate-limit counters and used TOTP codes must not leak between test runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Uploads of a test run go to a directory of their own, never into var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="netzwerk-test-media-"))  # noqa: F405
# In-thread test workers (tests/test_celery_worker.py) close their database connection after each
# task, as Celery does by default; a kept one would block dropping the test database.
CELERY_DB_REUSE_MAX = None
