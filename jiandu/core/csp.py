"""The production Content-Security-Policy (issue 11 #7), kept free of Django imports so the settings
module can read it. No inline script, nothing from another origin (government networks are closed
anyway), forms post only here, no framing; inline styles stay allowed (htmx's indicator style)."""

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
