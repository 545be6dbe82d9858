"""The small per-location Toast APIs: packaging configuration, online ordering schedule and device details, each
agreeing with what the other APIs say about the restaurant (hours, time zone, printers, the devices on orders)."""

from datetime import date, timedelta

import pytest

from helpers import HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA, READ_ONLY, advance, assert_toast_error, login, \
    toast_headers
from tests.published import assert_published

PACKAGING = ("toast-packaging-openapi.yaml", "/packaging/v1/published/packagingConfig")
SCHEDULE = ("toast-ordermgmt-configuration-openapi.yaml", "/ordermgmt-config/v1/published/orderingSchedule")
DEVICES = ("toast-device-details-openapi.yaml", "/device-details/v1/device-info")
# An order's createdDevice.id is the Device ID the platform gives a POS device (the one its Device Status screen
# shows): https://doc.toasttab.com/openapi/orders/tag/Data-definitions/schema/Order
NEW_SPECS = {"toast-cash-management-v1.yaml": 2, "toast-kitchen-v1.yaml": 3, "toast-packaging-v1.yaml": 1,
             "toast-ordermgmt-configuration-v1.yaml": 1, "toast-device-details-v1.yaml": 1}


def test_the_coverage_page_lists_the_new_operations_as_served(client):
    rows = client.get("/_sandbox/coverage").json["operations"]
    served = {}
    for row in rows:
        if row["spec"] in NEW_SPECS:
            assert row["implemented"], row
            served[row["spec"]] = served.get(row["spec"], 0) + 1
    assert served == NEW_SPECS


def _get(client, headers, document, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.json
    assert_published(document, "GET", path, 200, response.json)
    return response.json


@pytest.mark.parametrize("restaurant", [HARBOR_DOWNTOWN, MESA])
def test_packaging_is_on_for_take_out_restaurants_with_stable_choices(client, partner_token, restaurant):
    headers = toast_headers(partner_token, restaurant)
    config = _get(client, headers, *PACKAGING)
    assert config["enabled"] and config == _get(client, headers, *PACKAGING)
    kinds = [t for item in config["items"] for t in item["itemTypes"]]
    assert len(kinds) == len(set(kinds)) and "UTENSILS" in kinds
    assert len({item["id"] for item in config["items"]}) == len(config["items"])
    assert all(len(item["guestDescription"] or "") <= 60 for item in config["items"])
    # California's single-use foodware rule is why Mesa asks first.
    assert ("California" in config["guestMessage"]) == (restaurant == MESA)


@pytest.mark.parametrize("restaurant", [HARBOR_DOWNTOWN, MESA])
def test_ordering_schedule_follows_the_restaurants_hours(client, partner_token, restaurant):
    headers = toast_headers(partner_token, restaurant)
    schedule = _get(client, headers, *SCHEDULE)
    info = client.get(f"/restaurants/v1/restaurants/{restaurant}", headers=headers).json
    day = next(iter(info["schedules"]["daySchedules"].values()))
    hours = [{"start": s["hours"]["startTime"][:5], "end": s["hours"]["endTime"][:5]} for s in day["services"]]
    assert schedule["timeZoneId"] == info["general"]["timeZone"]
    behaviors = {d["behavior"] for d in client.get("/config/v2/diningOptions", headers=headers).json}
    assert [p["diningOptionBehavior"] for p in schedule["servicePeriods"]] == \
        [b for b in ("TAKE_OUT", "DELIVERY") if b in behaviors]
    for period in schedule["servicePeriods"]:
        assert [d["day"] for d in period["dayPeriods"]] == ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
                                                            "SATURDAY", "SUNDAY"]
        assert all(d["timeRanges"] == hours for d in period["dayPeriods"])
    assert schedule["acceptScheduledOrders"] and schedule["scheduledOrderMaxDays"] > 0


def test_schedule_overrides_are_the_next_holidays_on_the_sandbox_clock(client, headers):
    today = int(client.get("/_sandbox/clock").json["now"][:10].replace("-", ""))
    overrides = _get(client, headers, *SCHEDULE)["overrides"]
    dates = [o["businessDate"] for o in overrides]
    assert dates == sorted(dates) and all(today <= d < today + 10000 for d in dates)
    assert {d % 10000 for d in dates} == {1225, 101}
    christmas = next(o for o in overrides if o["businessDate"] % 10000 == 1225)
    assert christmas["timeRanges"] == [] and set(christmas["diningOptionBehavior"]) == {"TAKE_OUT", "DELIVERY"}
    advance(client, 60 * 86400 - 3600)      # past Christmas (the token expires: log in again)
    later = _get(client, toast_headers(login(client)), *SCHEDULE)["overrides"]
    next_christmas = next(o["businessDate"] for o in later if o["businessDate"] % 10000 == 1225)
    assert next_christmas == christmas["businessDate"] + 10000


@pytest.mark.pos_sandbox(history_days=3)
def test_devices_are_the_ones_orders_were_taken_on_and_the_printers(client, headers):
    devices = _get(client, headers, *DEVICES)
    pos = {d["posDeviceInfo"]["deviceId"]: d for d in devices if d["deviceType"] == "POS"}
    printers = [d["printerDeviceInfo"]["deviceName"] for d in devices if d["deviceType"] == "PRINTER"]
    assert printers == [p["name"] for p in client.get("/config/v2/printers", headers=headers).json]
    assert all((d["posDeviceInfo"] is None) == (d["deviceType"] == "PRINTER") for d in devices)
    assert len({d["serialNumber"] for d in devices}) == len(devices)
    today = date.fromisoformat(client.get("/_sandbox/clock").json["now"][:10])
    used = set()
    for day in (f"{today - timedelta(days=back):%Y%m%d}" for back in (1, 2)):
        for order in client.get(f"/orders/v2/ordersBulk?businessDate={day}&pageSize=100", headers=headers).json:
            if order["createdDevice"]["id"]:
                used.add(order["createdDevice"]["id"])
                assert all(p["createdDevice"]["id"] in pos for c in order["checks"] for p in c["payments"])
    assert used and used <= set(pos)
    mesa = _get(client, toast_headers(login(client), MESA), *DEVICES)
    assert not set(pos) & {d["posDeviceInfo"]["deviceId"] for d in mesa if d["posDeviceInfo"]}


@pytest.mark.parametrize("document, path", [PACKAGING, SCHEDULE, DEVICES])
def test_access_rules(client, partner_token, document, path):
    assert_toast_error(client.get(path), 401)
    assert_toast_error(client.get(path, headers=toast_headers(login(client, READ_ONLY))), 403)
    assert_toast_error(client.get(path, headers=toast_headers(partner_token, HARBOR_SEAPORT)), 403)
    assert_toast_error(client.get(path, headers={"Authorization": f"Bearer {partner_token}",
                                                 "Toast-Restaurant-External-ID": "not-a-guid"}), 400)
