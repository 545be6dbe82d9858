"""Stateful flows for the fuzzer: orders built from the real menus and moved through their life, step by step."""

from decimal import Decimal

from sandbox.core.provider import load_spec

ORDERS = "/orders/v2/orders"


def _operations(name):
    return {op.operation_id: op for op in load_spec(name).operations}


class Flows:
    """One step at a time, on the fuzzer's random source; a share of the bodies is made hostile."""

    def __init__(self, fuzzer):
        self.fuzzer, self.random = fuzzer, fuzzer.random
        self.toast = _operations("toast-orders-v2.yaml")
        self.toster = _operations("toster-v1.yaml")

    def step(self):
        """Advance one flow: Toast more often (its rules are richer), Toster otherwise."""
        if self.random.random() < 0.65:
            self._toast_step()
        else:
            self._toster_step()

    def _hostile(self):
        return self.random.random() < self.fuzzer.hostile_share

    # -- Toast --------------------------------------------------------------------------------------------------

    def _toast_step(self):
        restaurant = self.random.choice(self.fuzzer.restaurants)
        orders = self.fuzzer.orders[restaurant]
        open_orders = [o for o in orders if not o.get("voided") and o["checks"][0]["paymentStatus"] != "PAID"]
        roll = self.random.random()
        if not open_orders or roll < 0.3:
            self._create(restaurant, prices=roll < 0.06)
        elif roll < 0.45:
            self._change(restaurant, "ordersOrderGuidChecksCheckGuidSelectionsPost", self.random.choice(open_orders),
                         "selections", [self._selection(restaurant) for _ in range(self.random.randint(1, 2))])
        elif roll < 0.55:
            self._discount(restaurant, self.random.choice(open_orders))
        elif roll < 0.75:
            self._pay(restaurant, self.random.choice(open_orders))
        elif roll < 0.85 and orders:
            self._after_payment(restaurant, self.random.choice(orders))
        else:
            self._delivery(restaurant, orders)

    def _selection(self, restaurant):
        catalog = self.fuzzer.catalogs[restaurant]
        item = self.random.choice(list(catalog.menu_items.values()))
        modifiers = []
        for group_guid in item.modifier_group_guids:
            group = catalog.modifier_groups[group_guid]
            count = self.random.randint(group.min_selections, min(group.max_selections, group.min_selections + 1))
            for option in self.random.sample(group.option_guids, min(count, len(group.option_guids))):
                modifiers.append({"item": {"guid": option}, "optionGroup": {"guid": group.guid}, "quantity": 1})
        selection = {"item": {"guid": item.guid, "entityType": "MenuItem"},
                     "itemGroup": {"guid": item.group_guid, "entityType": "MenuGroup"},
                     "quantity": self.random.choice([1, 1, 2, 3, 0.5]), "modifiers": modifiers}
        if self.random.random() < 0.1:
            selection["externalPriceAmount"] = round(self.random.uniform(0, 40), 2)
        return selection

    def _create(self, restaurant, prices=False):
        catalog = self.fuzzer.catalogs[restaurant]
        dining = self.random.choice(list(catalog.dining_options.values()))
        body = {"entityType": "Order", "diningOption": {"guid": dining.guid},
                "checks": [{"entityType": "Check", "selections": [self._selection(restaurant) for _ in range(
                    self.random.randint(1, 3))]}]}
        if dining.behavior != "DINE_IN":
            body["checks"][0]["customer"] = {"firstName": "Fuzz", "lastName": "Er", "phone": "6175550199",
                                             "email": "fuzz@example.com"}
        if dining.behavior == "DELIVERY":
            body["deliveryInfo"] = {"address1": "1 Harbor Way", "city": "Boston", "state": "MA", "zipCode": "02110"}
        operation = self.toast["pricesPost" if prices else "ordersPost"]
        status, answer = self.fuzzer.send(operation, operation.full_path, body=body, hostile=self._hostile(),
                                          restaurant=restaurant)
        if status == 200 and not prices:
            self.fuzzer.orders[restaurant].append(answer)
            del self.fuzzer.orders[restaurant][:-50]

    def _change(self, restaurant, operation_id, order, suffix, body, method_path=None):
        operation = self.toast[operation_id]
        path = method_path or f"{ORDERS}/{order['guid']}/checks/{order['checks'][0]['guid']}/{suffix}"
        status, answer = self.fuzzer.send(operation, path, body=body, hostile=self._hostile(), restaurant=restaurant)
        if status == 200 and isinstance(answer, dict) and answer.get("guid") == order["guid"]:
            orders = self.fuzzer.orders[restaurant]
            orders[orders.index(order)] = answer
        return status, answer

    def _discount(self, restaurant, order):
        discounts = list(self.fuzzer.catalogs[restaurant].discounts.values())
        discount = self.random.choice(discounts)
        body = [{"discount": {"guid": discount.guid}}]
        check = order["checks"][0]
        if discount.selection_type == "ITEM" and check["selections"]:
            selection = self.random.choice(check["selections"])["guid"]
            self._change(restaurant, "ordersChecksSelectionsAppliedDiscountsPost", order,
                         f"selections/{selection}/appliedDiscounts", body)
        else:
            self._change(restaurant, "ordersChecksAppliedDiscountsPost", order, "appliedDiscounts", body)

    def _pay(self, restaurant, order):
        check = order["checks"][0]
        paid = sum(Decimal(str(p["amount"])) for p in check["payments"])
        due = max(Decimal(str(check["totalAmount"])) - paid, Decimal("0.01"))
        amount = due if self.random.random() < 0.8 else (due / 2).quantize(Decimal("0.01"))
        # Mostly what a client may post (OTHER naming its payment type, CREDIT), sometimes what it may not.
        kind = self.random.choice(["OTHER", "OTHER", "CREDIT", "CASH"])
        tip = self.random.choice([0, 0, 1.5, 3])
        payment = {"type": kind, "amount": float(amount), "tipAmount": tip}
        if kind == "OTHER":
            payment["otherPayment"] = {"guid": self.random.choice(
                list(self.fuzzer.catalogs[restaurant].named["alternatePaymentTypes"]))}
        self._change(restaurant, "ordersChecksPaymentsPost", order, "payments", [payment])

    def _after_payment(self, restaurant, order):
        payments = order["checks"][0]["payments"]
        if payments and self.random.random() < 0.5:
            self._change(restaurant, "ordersOrderGuidChecksCheckGuidPaymentsPaymentGuidPatch", order,
                         f"payments/{payments[0]['guid']}", {"tipAmount": self.random.choice([0, 2, 4.5])})
        else:
            self._change(restaurant, "voidOrder", order, None, {}, method_path=f"{ORDERS}/{order['guid']}/void")

    def _delivery(self, restaurant, orders):
        delivery = [o for o in orders if o.get("deliveryInfo")]
        if not delivery:
            operation = self.toast["ordersGuidGet"]
            order = self.random.choice(orders)
            self.fuzzer.send(operation, f"{ORDERS}/{order['guid']}", restaurant=restaurant)
            return
        order = self.random.choice(delivery)
        state = self.random.choice(["PICKED_UP", "DELIVERED"])
        self._change(restaurant, "ordersOrderGuidDeliveryInfoPatch", order, None, {"deliveryState": state},
                     method_path=f"{ORDERS}/{order['guid']}/deliveryInfo")

    # -- Toster -------------------------------------------------------------------------------------------------

    def _toster_operation(self, method, path):
        return next(op for op in self.toster.values() if op.full_path == path and op.method == method)

    def _toster_step(self):
        moving = [o for o in self.fuzzer.toster_orders if o["status"] in ("NEW", "CONFIRMED", "COOKING", "PACKED",
                                                                             "DISPATCHED")]
        if not moving or self.random.random() < 0.3:
            self._toster_create()
            return
        order = self.random.choice(moving)
        following = {"NEW": "CONFIRMED", "CONFIRMED": "COOKING", "COOKING": "PACKED",
                     "PACKED": "DISPATCHED" if order["type"] == "delivery" else "DELIVERED",
                     "DISPATCHED": "DELIVERED"}[order["status"]]
        target = "CANCELLED" if self.random.random() < 0.05 else following
        operation = self._toster_operation("PATCH", "/api/orders/{id}/status")
        status, answer = self.fuzzer.send(operation, f"/api/orders/{order['id']}/status", body={"status": target},
                                          hostile=self._hostile())
        if status == 200:
            order["status"] = answer["status"]

    def _toster_create(self):
        products = self.fuzzer.toster_products
        items = []
        for product in self.random.sample(products, self.random.randint(1, 3)):
            modifiers = [m["id"] for m in product["modifiers"] if self.random.random() < 0.3]
            items.append({"product_id": product["id"], "qty": self.random.randint(1, 4), "modifiers": modifiers})
        kind = self.random.choice(["delivery", "pickup"])
        body = {"type": kind, "items": items}
        if self.random.random() < 0.5:
            body["customer_id"] = self.random.choice(self.fuzzer.refs["customer_id"])
        else:
            body["customer"] = {"name": "Fuzz Er", "phone": "+38067" + str(self.random.randint(1000000, 9999999))}
        if kind == "delivery":
            body["address"] = {"street": "12 Obolonskyi Ave", "city": "Kyiv", "lat": 50.5, "lng": 30.5}
        operation = self._toster_operation("POST", "/api/orders")
        status, answer = self.fuzzer.send(operation, "/api/orders", body=body, hostile=self._hostile())
        if status == 201:
            self.fuzzer.toster_orders.append(answer)
            del self.fuzzer.toster_orders[:-100]
