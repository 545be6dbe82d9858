"""An integration a restaurant-tech team might write: pull a day's Toast orders page by page, politely.

It honours Retry-After on 429 and 503, stops after three identical server errors in a row (the platform's advice
to halt a request that keeps failing the same way), and verifies the signature of Toast webhooks it receives."""

import base64
import hashlib
import hmac
import time

import requests


class SyncHalted(Exception):
    """The platform kept failing the same way: stop and alert instead of hammering it."""


class OrderSync:
    def __init__(self, base_url, client_id, client_secret, restaurant, sleep=time.sleep, max_identical_failures=3):
        self.base_url = base_url.rstrip("/")
        self.credentials = {"clientId": client_id, "clientSecret": client_secret,
                            "userAccessType": "TOAST_MACHINE_CLIENT"}
        self.restaurant = restaurant
        self.sleep = sleep
        self.max_identical_failures = max_identical_failures
        self.http = requests.Session()
        self.http.headers["Toast-Restaurant-External-ID"] = restaurant

    def login(self):
        answer = self.http.post(f"{self.base_url}/authentication/v1/authentication/login", json=self.credentials,
                                timeout=10)
        answer.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {answer.json()['token']['accessToken']}"

    def orders_of(self, business_date):
        """Every order of a business date (yyyymmdd), following the Link headers."""
        if "Authorization" not in self.http.headers:
            self.login()
        url = f"{self.base_url}/orders/v2/ordersBulk?businessDate={business_date}&pageSize=100"
        orders = []
        while url:
            answer = self._get(url)
            orders.extend(answer.json())
            url = answer.links.get("next", {}).get("url")
        return orders

    def _get(self, url):
        last_status, identical = None, 0
        while True:
            answer = self.http.get(url, timeout=10)
            if answer.status_code in (429, 503) and "Retry-After" in answer.headers:
                self.sleep(float(answer.headers["Retry-After"]))
                continue
            if answer.status_code >= 500:
                identical = identical + 1 if answer.status_code == last_status else 1
                last_status = answer.status_code
                if identical >= self.max_identical_failures:
                    raise SyncHalted(f"{identical} identical {last_status} answers from {url}")
                self.sleep(2 ** identical)
                continue
            answer.raise_for_status()
            return answer


def verify_toast_webhook(body, signature, secret):
    """Toast signs the raw body followed by the envelope's timestamp, HMAC-SHA256, standard Base64."""
    import json
    timestamp = json.loads(body)["timestamp"]
    digest = hmac.new(secret.encode(), (body + timestamp).encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature)
