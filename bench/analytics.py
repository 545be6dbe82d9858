"""What an analytics report over a year costs, and how long it makes the world's other requests wait.

A world with a year of order history (two Harbor restaurants for the group client); each report request is timed
alone, then again while another thread reads one order of the same world in a loop, whose longest wait is the
figure that matters: a report lets the world in every `sales.CHUNK` orders.

Usage: python bench/analytics.py [repeats]"""

import statistics
import sys
import threading
import time

import machine
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS

GROUP = ("au4rEE7naW8mHDKw3OaWDyyIdYxWDsU7", "8E9kcE3oEJJ8X1o9585yMa6Fv4ngcVnSOgsR8uQYuY8CstQTuNzuNGrTFhxhavBT")
HARBOR = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"
START = "2026-03-01T12:00:00Z"
YEAR = {"startBusinessDate": 20250302, "endBusinessDate": 20260228, "restaurantIds": [], "excludedRestaurantIds": []}
REPORTS = [
    ("metrics, a year by day", "/era/v1/metrics/year", YEAR),
    ("metrics, a year by dining option and revenue center", "/era/v1/metrics/year",
     {**YEAR, "groupBy": ["DINING_OPTION", "REVENUE_CENTER"]}),
    ("menu, a year by item and modifier", "/era/v1/menu/year", {**YEAR, "groupBy": ["MENU_ITEM", "MODIFIER"]}),
    ("payouts by settled date, a year", "/era/v1/payout/year",
     {"startDate": 20250302, "endDate": 20260228, "restaurantIds": [], "excludedRestaurantIds": []}),
]


def login(client, credentials):
    answer = client.post("/authentication/v1/authentication/login", json={
        "clientId": credentials[0], "clientSecret": credentials[1], "userAccessType": "TOAST_MACHINE_CLIENT"})
    return {"Authorization": "Bearer " + answer.json["token"]["accessToken"]}


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(machine.describe())
    app = create_app({**TEST_SETTINGS, "start_time": START, "history_days": 366, "strict": False})
    client = app.test_client()
    headers = login(client, GROUP)
    book = app.extensions["sandbox"].store.get(None).state["toast"].orders
    print(f"world: {len(book.orders)} orders over 366 days")
    order = next(iter(book.by_modified[HARBOR]))[1]
    reader_headers = {**headers, "Toast-Restaurant-External-ID": HARBOR}
    for name, path, body in REPORTS:
        alone = []
        for _ in range(repeats):
            started = time.perf_counter()
            assert client.post(path, headers=headers, json=body).status_code == 200
            alone.append((time.perf_counter() - started) * 1000)
        waits, stop = [], threading.Event()

        def read():
            reader = app.test_client()
            while not stop.is_set():
                started = time.perf_counter()
                reader.get(f"/orders/v2/orders/{order}", headers=reader_headers)
                waits.append((time.perf_counter() - started) * 1000)
        thread = threading.Thread(target=read)
        thread.start()
        for _ in range(repeats):
            client.post(path, headers=headers, json=body)
        stop.set()
        thread.join()
        print(f"{name}: median {statistics.median(alone):.0f} ms alone; meanwhile {len(waits)} reads of one order "
              f"in the same world, median {statistics.median(waits):.1f} ms, longest {max(waits):.1f} ms")


if __name__ == "__main__":
    main()
