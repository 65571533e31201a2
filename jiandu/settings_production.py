"""Production settings: every secret must come from the environment; HTTPS everywhere."""

import os

from jiandu import config
from jiandu.core.csp import PERMISSIONS_POLICY, STRICT_CSP

os.environ.setdefault("JIANDU_DEBUG", "false")
for _name in (
    "JIANDU_SECRET_KEY",
    "JIANDU_ENCRYPTION_KEY",
    "JIANDU_LOOKUP_KEY",
    "JIANDU_AUDIT_KEY",
    "JIANDU_CHECKPOINT_SIGNING_KEY",
):
    config.secret(_name, generate=False)

from jiandu.settings import *  # noqa: E402,F403

PRODUCTION = True
DEBUG = False
SECURE_SSL_REDIRECT = config.env_bool("JIANDU_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = config.env_int("JIANDU_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# No inline script, nothing from another origin (government networks are closed anyway); forms post
# only here; no framing. Inline styles stay allowed (htmx indicator style). Issue 11 #7.
JIANDU_CSP = os.environ.get("JIANDU_CSP", STRICT_CSP)
JIANDU_PERMISSIONS_POLICY = os.environ.get("JIANDU_PERMISSIONS_POLICY", PERMISSIONS_POLICY)
