"""Toster webhook envelope, signature header and exponential retry schedule."""

import json
from datetime import datetime, timezone

from sandbox.core.delivery import DeliveryPolicy
from sandbox.toster import signing


class TosterDelivery(DeliveryPolicy):
    """Retries on the same failures as Toast, after base, 2 x base, 4 x base ... seconds; no pausing."""

    pause_after_errors = 0

    def __init__(self, base_seconds, attempts):
        self.retry_delays = tuple(base_seconds * 2 ** n for n in range(attempts - 1))

    def body(self, event):
        created = datetime.fromtimestamp(event.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps({"event": event.type, "created_at": created, "data": event.payload},
                          separators=(",", ":"))

    def headers(self, delivery, subscription, attempt_number):
        return {"Content-Type": "application/json", "X-Toster-Signature": signing.sign(delivery.body,
                                                                                       subscription.secret)}
