"""X-Toster-Signature: `sha256=<hex HMAC-SHA256 of the raw body>`, as pure functions users can import."""

import hashlib
import hmac


def sign(body, secret):
    """The X-Toster-Signature value for a raw body (str or bytes)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def verify(body, secret, signature):
    """True when `signature` is the X-Toster-Signature of the raw body (constant-time comparison)."""
    return hmac.compare_digest(sign(body, secret), signature or "")
