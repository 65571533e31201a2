"""Test settings: the real database (SQLite by default, PostgreSQL when DATABASE_URL says so),
tasks run immediately, fast password hashing."""

import os
import tempfile

os.environ.setdefault("JIANDU_DATA_DIR", os.path.join(tempfile.gettempdir(), "jiandu-test-data"))

from jiandu.settings import *  # noqa: F403

# Audit events are sealed in the writer's transaction, so tests read seq and hash at once; the sealer
# is the same code in both modes, and jiandu/audit/tests/test_sealing.py runs it deferred.
JIANDU_AUDIT_SEAL = "inline"
JIANDU_AUDIT_SEAL_COALESCE_MS = 0  # deferred-mode tests: every commit seals, unless a test says otherwise
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Webhook tests POST to a server on 127.0.0.1 over http:// (production refuses anything but https).
JIANDU_WEBHOOK_ALLOW_LOOPBACK_HTTP = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The session's expiry slides every 10 minutes here, not every minute: a test that counts a page's
# queries twice must not see one count include the session's save because a slow box crossed a minute
# (test_sign_in sets the production interval where it tests the idle timeout itself).
JIANDU_SESSION_REFRESH_SECONDS = 600
JIANDU_SMS_BACKEND = "jiandu.notifications.sms.MemorySmsBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Rate limits count per test process; conftest clears this cache before each test.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003", "django_ratelimit.W001"]  # noqa: F405
