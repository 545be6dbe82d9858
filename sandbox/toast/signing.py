"""Toast-Signature: sign and verify webhook bodies (pure functions users can import in their receivers' tests).

The signature is standard Base64 of HMAC-SHA256, keyed with the subscription's secret, over the UTF-8 text of the
body followed by the envelope's `timestamp` (or over the body alone, for subscriptions signed "body")."""

import base64
import hashlib
import hmac


def sign(body, secret, timestamp=None):
    """The Toast-Signature value for a body (str or bytes); pass the envelope timestamp unless signing body only."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    message = (text + (timestamp or "")).encode("utf-8")
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode("ascii")


def verify(body, secret, signature, timestamp=None):
    """True when `signature` is the Toast-Signature of the body (constant-time comparison)."""
    return hmac.compare_digest(sign(body, secret, timestamp), signature or "")
