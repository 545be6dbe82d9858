"""One world, one truth: the Labor API's employees are the orders' servers, a tipped time entry's takings are the
takings of the orders its employee served during it (developer guide, "Getting time entries for employees": the
sales and tips of an entry grow while it is open and stay fixed after clock-out), a created employee can serve an
order, and the labor data goes through exports, imports and snapshots whole."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, assert_toast_error, labor, toast_headers
from sandbox.core.clock import parse_instant

pytestmark = pytest.mark.pos_sandbox(history_days=30)


def _orders_of_days(client, headers, first, last):
    orders, day = [], first
    while day <= last:
        page = 1
        while True:
            answer = client.get("/orders/v2/ordersBulk", headers=headers, query_string={
                "businessDate": day.strftime("%Y%m%d"), "pageSize": 100, "page": page})
            assert answer.status_code == 200
            orders += answer.json
            if len(answer.json) < 100:
                break
            page += 1
        day += timedelta(days=1)
    return orders


def _order(harbor, server, kind, tip):
    body = harbor.order_for_guest(harbor.selection("Clam Chowder"))
    body["checks"][0]["payments"] = [harbor.payment(9.12, tip, kind)]
    return dict(body, server={"guid": server, "entityType": "RestaurantUser"})


def _instant(text):
    return parse_instant(text).timestamp()


@pytest.mark.parametrize("restaurant", [HARBOR_DOWNTOWN, MESA])
def test_every_order_server_is_an_employee_of_the_restaurant(client, partner_token, restaurant):
    headers = toast_headers(partner_token, restaurant)
    employees = labor(client, "GET", "/employees", headers=headers)
    staff = {e["guid"] for e in employees}
    orders = _orders_of_days(client, headers, date(2026, 10, 3), date(2026, 11, 2))
    assert len(orders) > 300
    archived = {e["guid"]: e["deletedDate"] for e in employees if e["deleted"]}
    served_by_former = [o for o in orders if o["server"]["guid"] in archived]
    assert served_by_former and all(_instant(o["openedDate"]) < _instant(archived[o["server"]["guid"]])
                                    for o in served_by_former)
    assert {o["server"]["guid"] for o in orders} <= staff
    drivers = {o["deliveryInfo"]["deliveryEmployee"]["guid"] for o in orders if o["deliveryInfo"]}
    assert drivers and drivers <= staff
    for order in orders:
        assert {c["openedBy"]["guid"] for c in order["checks"]} == {order["server"]["guid"]}
        payments = [p for c in order["checks"] for p in c["payments"]]
        assert {p["server"]["guid"] for p in payments} <= {order["server"]["guid"]}
        if order["voided"]:              # the server voided it
            assert {p["voidInfo"]["voidUser"]["guid"] for p in payments} == {order["server"]["guid"]}


def test_seeded_voids_name_the_server_who_voided(world):
    voided = [o for o in world.state["toast"].orders.orders.values() if o.voided]
    assert voided                        # a few per restaurant: across all three there are always some
    assert all(p.void_user_guid == o.server_guid is not None for o in voided for p in o.payments)


def test_tipped_entries_carry_the_takings_of_the_orders_served_during_them(client, headers):
    jobs = {j["guid"]: j for j in labor(client, "GET", "/jobs", headers=headers)}
    entries = labor(client, "GET", "/timeEntries", headers=headers, query_string={
        "startDate": "2026-10-19T04:00:00.000Z", "endDate": "2026-11-02T04:00:00.000Z"})
    orders = _orders_of_days(client, headers, date(2026, 10, 18), date(2026, 11, 2))
    served = defaultdict(list)
    for order in orders:
        if not order["voided"]:
            served[order["server"]["guid"]].append(order)
    tipped = [e for e in entries if jobs[e["jobReference"]["guid"]]["tipped"]]
    assert len(tipped) > 30 and sum(e["nonCashTips"] > 0 for e in tipped) > 20
    for entry in tipped:
        start, end = _instant(entry["inDate"]), _instant(entry["outDate"])
        mine = [o for o in served[entry["employeeReference"]["guid"]] if start <= _instant(o["openedDate"]) < end]
        payments = [p for o in mine for c in o["checks"] for p in c["payments"]]
        tips = sum((Decimal(str(p["tipAmount"])) for p in payments if p["type"] != "CASH"), Decimal(0))
        sales = sum((Decimal(str(p["amount"])) for p in payments if p["type"] != "CASH"), Decimal(0))
        cash = sum((Decimal(str(p["amount"])) for p in payments if p["type"] == "CASH"), Decimal(0))
        assert Decimal(str(entry["nonCashTips"])) == tips, entry["guid"]
        assert Decimal(str(entry["nonCashSales"])) == sales and Decimal(str(entry["cashSales"])) == cash
    untipped = [e for e in entries if not jobs[e["jobReference"]["guid"]]["tipped"]]
    assert untipped and all(e["nonCashTips"] == 0 and e["cashSales"] == 0 for e in untipped)


def test_orders_of_the_last_days_were_served_by_someone_clocked_in(client, headers):
    entries = labor(client, "GET", "/timeEntries", headers=headers, query_string={
        "startDate": "2026-10-26T04:00:00.000Z", "endDate": "2026-11-02T18:00:00.000Z"})
    orders = _orders_of_days(client, headers, date(2026, 10, 27), date(2026, 11, 1))
    spans = defaultdict(list)
    for entry in entries:
        spans[entry["employeeReference"]["guid"]].append(
            (_instant(entry["inDate"]), _instant(entry["outDate"]) if entry["outDate"] else float("inf")))
    on_duty = [any(a <= _instant(o["openedDate"]) < b for a, b in spans[o["server"]["guid"]]) for o in orders]
    assert orders and all(on_duty)


def test_open_entry_takings_grow_with_a_new_order(client, headers, harbor, world):
    entries = labor(client, "GET", "/timeEntries", query_string={"businessDate": "20261102"}, headers=headers)
    jobs = {j["guid"]: j for j in labor(client, "GET", "/jobs", headers=headers)}
    entry = next(e for e in entries if e["outDate"] is None and jobs[e["jobReference"]["guid"]]["tipped"])
    server = entry["employeeReference"]["guid"]
    body = _order(harbor, server, "OTHER", 2.5)
    order = client.post("/orders/v2/orders", json=body, headers=headers)
    assert order.status_code == 200, order.json["message"]
    assert order.json["server"]["guid"] == server
    after = labor(client, "GET", f"/timeEntries/{entry['guid']}", headers=headers)
    assert Decimal(str(after["nonCashTips"])) - Decimal(str(entry["nonCashTips"])) == Decimal("2.5")


def test_a_created_employee_can_serve_an_order_and_an_archived_one_cannot(client, headers, harbor):
    created = labor(client, "POST", "/employees", headers=headers, json={
        "firstName": "New", "lastName": "Server", "email": "new.server@example.com"})
    body = _order(harbor, created["guid"], "OTHER", 0)
    order = client.post("/orders/v2/orders", json=body, headers=headers)
    assert order.status_code == 200 and order.json["server"]["guid"] == created["guid"]
    assert order.json["checks"][0]["payments"][0]["server"]["guid"] == created["guid"]
    labor(client, "DELETE", f"/employees/{created['guid']}", headers=headers)
    refused = client.post("/orders/v2/orders", json=body, headers=headers)
    assert_toast_error(refused, 400, created["guid"])
    assert_toast_error(client.post("/orders/v2/orders", headers=headers, json=dict(
        body, server={"guid": "00000000-0000-4000-8000-000000000000"})), 400, "server")


def test_labor_data_survives_export_import_and_snapshots(client, headers):
    created = labor(client, "POST", "/employees", headers=headers, json={
        "firstName": "Kept", "lastName": "Around", "email": "kept@example.com", "externalId": "PAYROLL:KEPT"})
    snapshot = client.post("/_sandbox/snapshots").json["id"]
    document = client.get("/_sandbox/export").json
    labor(client, "DELETE", f"/employees/{created['guid']}", headers=headers)
    assert client.post(f"/_sandbox/snapshots/{snapshot}/restore").status_code == 200
    assert labor(client, "GET", "/employees/PAYROLL:KEPT", headers=headers)["deleted"] is False
    labor(client, "DELETE", f"/employees/{created['guid']}", headers=headers)
    assert client.post("/_sandbox/import", json=document).status_code == 200
    assert labor(client, "GET", "/employees/PAYROLL:KEPT", headers=headers)["deleted"] is False
    toast = client.application.extensions["sandbox"].store.get(None).state["toast"]
    entries = toast.time_entries[HARBOR_DOWNTOWN]
    assert len(entries) > 150 and any(e.takings is not None for e in entries.values())


def test_labor_cost_is_wage_times_hours_with_time_and_a_half(world):
    entries = world.state["toast"].time_entries[HARBOR_DOWNTOWN].values()
    overtime = next(e for e in entries if e.overtime_hours > 0)
    assert overtime.labor_cost() == (overtime.hourly_wage * overtime.regular_hours
                                     + overtime.hourly_wage * Decimal("1.5") * overtime.overtime_hours
                                     ).quantize(Decimal("0.01"))
    salaried = next(e for e in entries if e.hourly_wage is None)
    assert salaried.labor_cost() is None and salaried.overtime_hours == 0


def test_labor_writes_send_no_webhooks_while_order_writes_do(client, headers, harbor):
    """The developer guide's webhook categories (partners, orders, menus, stock, ...) have none for labor."""
    def events():
        return len(client.get("/_sandbox/webhooks/events").json)
    before = events()
    created = labor(client, "POST", "/employees", headers=headers, json={
        "firstName": "Quiet", "lastName": "Hire", "email": "quiet@example.com"})
    jobs = labor(client, "GET", "/jobs", headers=headers)
    labor(client, "PUT", f"/employees/{created['guid']}/jobs", json=[{"guid": jobs[0]["guid"]}], headers=headers)
    labor(client, "POST", "/shifts", headers=headers, json={
        "employeeReference": {"guid": created["guid"]}, "jobReference": {"guid": jobs[0]["guid"]},
        "inDate": "2026-11-04T15:00:00.000+0000", "outDate": "2026-11-04T20:00:00.000+0000"})
    labor(client, "DELETE", f"/employees/{created['guid']}", headers=headers)
    assert events() == before
    assert client.post("/orders/v2/orders", json=_order(harbor, created["guid"], "OTHER", 0),
                       headers=headers).status_code == 400
    labor(client, "PUT", f"/employees/{created['guid']}/unarchive", headers=headers)
    assert client.post("/orders/v2/orders", json=_order(harbor, created["guid"], "OTHER", 0),
                       headers=headers).status_code == 200
    assert events() == before + 1
