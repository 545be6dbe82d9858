"""Micro-benchmark: validating a ~1 KB Toast order body against the compiled request schema of POST /orders.

Usage: python bench/validation.py"""

import json
import timeit

import machine
from sandbox.core.provider import load_spec

GUIDS = ["3f6b2a1c-9d8e-4c7b-a6f5-1e2d3c4b5a69", "7a8b9c0d-1e2f-4a3b-8c5d-6e7f8a9b0c1d"]


def order_body():
    selection = {"entityType": "MenuItemSelection", "item": {"guid": GUIDS[0], "entityType": "MenuItem"},
                 "itemGroup": {"guid": GUIDS[1], "entityType": "MenuGroup"}, "quantity": 2,
                 "modifiers": [{"item": {"guid": GUIDS[0], "entityType": "MenuItem"},
                                "optionGroup": {"guid": GUIDS[1], "entityType": "MenuOptionGroup"}, "quantity": 1}]}
    return {"entityType": "Order", "diningOption": {"guid": GUIDS[0], "entityType": "DiningOption"},
            "openedDate": "2026-11-02T17:30:00.000+0000", "numberOfGuests": 2,
            "checks": [{"entityType": "Check", "selections": [selection, selection],
                        "customer": {"firstName": "Ada", "lastName": "Park", "phone": "6175550199",
                                     "email": "ada@example.com"}}]}


def main():
    print("machine:", machine.describe())
    operation = next(op for op in load_spec("toast-orders-v2.yaml").operations if op.operation_id == "ordersPost")
    body = order_body()
    size = len(json.dumps(body))
    operation.validate_body(body)              # raises if the benchmark body were invalid
    runs = 20000
    best = min(timeit.repeat(lambda: operation.validate_body(body), number=runs, repeat=5)) / runs
    print(f"POST /orders body of {size} bytes: {best * 1e6:.1f} us per validation (best of 5 x {runs})")


if __name__ == "__main__":
    main()
