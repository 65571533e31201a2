"""The Content-Security-Policy and Permissions-Policy (issue 11 #7), kept free of Django imports so the
settings modules can read them. No inline script, nothing from another origin (government networks are
closed anyway), forms post only here, no framing; inline styles stay allowed (htmx's indicator style).
Development, tests (the browser suite included) and production send the same policy, so a page that
breaks it fails in the browser tests before it reaches a bureau."""

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)

# The camera is the phone's QR scan of a certificate; nothing else is asked of the device.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
