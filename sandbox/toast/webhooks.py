"""Toast webhook envelope and headers; Toast's retry and back-off rules are the DeliveryPolicy defaults."""

import json
from datetime import datetime, timezone

from sandbox.core.delivery import DeliveryPolicy
from sandbox.toast import signing

PARTNER_CATEGORY = "partner"


def _iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ToastDelivery(DeliveryPolicy):
    def body(self, event):
        return json.dumps({"timestamp": _iso(event.created), "eventCategory": event.category,
                           "eventType": event.type, "guid": event.guid, "details": event.payload},
                          separators=(",", ":"))

    def headers(self, delivery, subscription, attempt_number):
        timestamp = json.loads(delivery.body)["timestamp"] if subscription.signing == "body+timestamp" else None
        headers = {
            "Content-Type": "application/json",
            "Toast-Signature": signing.sign(delivery.body, subscription.secret, timestamp),
            "Toast-Event-Type": delivery.type,
            "Toast-Event-Category": delivery.category,
            "Toast-Attempt-Number": str(attempt_number),
        }
        if delivery.category != PARTNER_CATEGORY and delivery.restaurant_guid:
            headers["Toast-Restaurant-External-ID"] = delivery.restaurant_guid
        return headers
