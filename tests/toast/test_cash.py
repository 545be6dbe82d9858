"""Toast Cash Management: entries and deposits per business date, derived from the orders' payments, the servers'
card tips, the deliveries and the seeded drawer routine; checked against the orders API as a client would."""

from decimal import Decimal

import pytest

from helpers import HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA, READ_ONLY, advance, assert_toast_error, login, \
    orders_of_day, toast_headers
from sandbox.toast.cash.models import staff_guids
from tests.published import assert_published

DOCUMENT = "toast-cash-management-openapi.yaml"
GUIDE_DEPOSITS = "https://doc.toasttab.com/doc/devguide/apiCalculatingExpectedCashDeposits.html"
GUIDE_ENTRIES = "https://doc.toasttab.com/doc/devguide/apiUsingCashManagementApi.html"


def _today(client):
    return int(client.get("/_sandbox/clock").json["now"][:10].replace("-", ""))


def _day_before(day, days=1):
    from datetime import date, timedelta
    earlier = date(day // 10000, day // 100 % 100, day % 100) - timedelta(days=days)
    return earlier.year * 10000 + earlier.month * 100 + earlier.day


def _get(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.json
    assert_published(DOCUMENT, "GET", path, 200, response.json)
    return response.json


def _day_payments(client, headers, day):
    """Every payment paid on the business date, read through the orders API one by one (as the guide says)."""
    guids = client.get(f"/orders/v2/payments?paidBusinessDate={day}", headers=headers).json
    return [client.get(f"/orders/v2/payments/{guid}", headers=headers).json for guid in guids]


def _money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.pos_sandbox(history_days=3)
@pytest.mark.parametrize("restaurant", [HARBOR_DOWNTOWN, MESA])
def test_deposit_is_the_days_cash_payments_plus_its_entries(client, partner_token, restaurant):
    """The developer guide's expected deposit: cash payments plus cash collected and cash in, less pay-outs, tip-outs
    and cash out (GUIDE_DEPOSITS); the close-out's difference is the count's, so the deposit is what was counted."""
    headers = toast_headers(partner_token, restaurant)
    banked = Decimal("0")
    for day in (_day_before(_today(client)), _day_before(_today(client), 2)):
        payments = [p for p in _day_payments(client, headers, day) if p["paymentStatus"] != "VOIDED"]
        cash = sum((_money(p["amount"]) + _money(p["tipAmount"]) for p in payments if p["type"] == "CASH"),
                   Decimal("0"))
        assert cash > 0
        entries = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
        deposits = _get(client, headers, f"/cashmgmt/v1/deposits?businessDate={day}")
        # Cash payments went into a drawer, and every drawer that took cash is counted once; other tenders into none.
        drawers = {(p["type"], (p["cashDrawer"] or {}).get("guid")) for p in payments}
        counted = [e["cashDrawer"]["guid"] for e in entries if e["type"].startswith("CLOSE_OUT")]
        assert {g for t, g in drawers if t == "CASH"} <= set(counted) and len(counted) == len(set(counted))
        assert {g for t, g in drawers if t != "CASH"} == {None}
        # One deposit of what was counted; none when the tip-outs emptied the drawer (the safe topped it up).
        assert len(deposits) <= 1 and all(d["amount"] > 0 for d in deposits)
        assert cash + sum(_money(e["amount"]) for e in entries) == sum(_money(d["amount"]) for d in deposits)
        banked += sum(_money(d["amount"]) for d in deposits)
    # Downtown takes enough cash to bank some; Mesa's few cash payments may all go on its servers' card tips.
    assert banked > 0 or restaurant == MESA


@pytest.mark.pos_sandbox(history_days=3)
def test_tip_outs_pay_each_servers_card_tips_and_drivers_get_mileage(client, headers, world):
    """TIP_OUT pays tips entered in card payments (GUIDE_ENTRIES): one per server, the sum of the tips on the
    payments of the orders they served that day; DRIVER_REIMBURSEMENT per driver of the delivered orders."""
    day = _day_before(_today(client))
    orders = {o["guid"]: o for o in orders_of_day(client, headers, day)}
    tips, drives = {}, {}
    for payment in _day_payments(client, headers, day):
        order = orders.get(payment["orderGuid"]) or client.get(f"/orders/v2/orders/{payment['orderGuid']}",
                                                               headers=headers).json
        if payment["tipAmount"] and payment["paymentStatus"] != "VOIDED":
            server = order["server"]["guid"]
            tips[server] = tips.get(server, Decimal("0")) + _money(payment["tipAmount"])
    for order in orders.values():
        info = order["deliveryInfo"]
        if info and info["deliveryState"] == "DELIVERED" and not order["voided"]:
            driver = info["deliveryEmployee"]["guid"]
            drives[driver] = drives.get(driver, 0) + 1
    entries = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    tip_outs = {e["employee1"]["guid"]: -_money(e["amount"]) for e in entries if e["type"] == "TIP_OUT"}
    assert tip_outs == tips and tips
    mileage = {e["employee1"]["guid"]: -_money(e["amount"]) for e in entries if e["type"] == "DRIVER_REIMBURSEMENT"}
    assert mileage == {driver: Decimal("2.00") * count for driver, count in drives.items()}
    staff = set(staff_guids(world.state["toast"], HARBOR_DOWNTOWN))
    named = {e[key]["guid"] for e in entries for key in ("employee1", "employee2") if e[key]}
    assert named <= staff


@pytest.mark.pos_sandbox(history_days=8)
def test_entries_point_at_the_configured_drawer_and_reasons(client, headers):
    config = {path: {e["guid"] for e in client.get(f"/config/v2/{path}", headers=headers).json}
              for path in ("cashDrawers", "payoutReasons", "noSaleReasons")}
    seen = set()
    day = _today(client)
    for back in range(1, 8):
        for entry in _get(client, headers, f"/cashmgmt/v1/entries?businessDate={_day_before(day, back)}"):
            seen.add(entry["type"])
            assert entry["cashDrawer"]["guid"] in config["cashDrawers"]
            if entry["type"] in ("PAY_OUT", "UNDO_PAY_OUT"):
                assert entry["payoutReason"]["guid"] in config["payoutReasons"]
                assert (entry["amount"] < 0) == (entry["type"] == "PAY_OUT")
            if entry["type"] == "NO_SALE":
                assert entry["noSaleReason"]["guid"] in config["noSaleReasons"] and entry["amount"] == 0
            if entry["undoes"]:
                assert entry["type"] == "UNDO_PAY_OUT"
    assert {"PAY_OUT", "NO_SALE", "TIP_OUT", "CLOSE_OUT_EXACT", "DRIVER_REIMBURSEMENT"} <= seen


def _paid_order(client, headers, harbor, tender, tip):
    """A one-line dine-in order posted through the orders API, then paid in full with `tender` and a tip."""
    order = client.post("/orders/v2/orders", json=harbor.order(harbor.selection("Fish and Chips")),
                        headers=headers).json
    check = order["checks"][0]
    paid = client.post(f"/orders/v2/orders/{order['guid']}/checks/{check['guid']}/payments", headers=headers,
                       json=[{"type": tender, "amount": check["totalAmount"], "tipAmount": tip}])
    assert paid.status_code == 200, paid.json
    return order, paid


@pytest.mark.pos_sandbox(history_days=2)
def test_an_api_orders_card_tip_reaches_the_tip_out_and_deposit_once_the_day_closes(client, headers, harbor):
    """Integrations pay by card or OTHER (cash is taken at the POS). A card tip on an order posted now joins its
    server's tip-out, paid from the drawer's cash, once the day closes out; before that there is neither tip-out
    nor deposit, and the day's entries so far stay as they were."""
    day = _today(client)
    early = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    order, paid = _paid_order(client, headers, harbor, "CREDIT", 4.0)
    assert paid.json["checks"][0]["payments"][0]["cashDrawer"] is None
    assert _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}") == early
    assert _get(client, headers, f"/cashmgmt/v1/deposits?businessDate={day}") == []
    assert not [e for e in early if e["type"] == "TIP_OUT"]
    advance(client, 16 * 3600)          # past 04:00 local, the closeout; the token still lives
    server = order["server"]["guid"]
    tips = sum(_money(p["tipAmount"]) for p in _day_payments(client, headers, day)
               if p["server"] and p["server"]["guid"] == server)
    assert tips >= _money(4.0)
    entries = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    assert [-_money(e["amount"]) for e in entries if e["type"] == "TIP_OUT" and e["employee1"]["guid"] == server] \
        == [tips]
    payments = _day_payments(client, headers, day)
    cash = sum(_money(p["amount"]) + _money(p["tipAmount"]) for p in payments if p["type"] == "CASH")
    deposits = _get(client, headers, f"/cashmgmt/v1/deposits?businessDate={day}")
    assert cash + sum(_money(e["amount"]) for e in entries) == sum(_money(d["amount"]) for d in deposits)
    assert {e["guid"] for e in early} <= {e["guid"] for e in entries}


@pytest.mark.pos_sandbox(history_days=2)
def test_a_day_is_the_same_on_every_read_and_nothing_shows_before_it_happens(client, headers):
    day = _today(client)
    first = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    assert first == _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    now = client.get("/_sandbox/clock").json["now"]
    assert all(e["date"] <= now.replace("Z", "+0000") for e in first)
    assert _get(client, headers, f"/cashmgmt/v1/deposits?businessDate={day}") == []
    assert _get(client, headers, "/cashmgmt/v1/entries?businessDate=20200101") == []
    assert _get(client, headers, "/cashmgmt/v1/entries?businessDate=99991231") == []


@pytest.mark.parametrize("query", ["", "?yyyymmdd=20261101", "?businessDate=2026-11-01", "?businessDate=20261131",
                                   "?businessDate=00000000", "?businessDate=2026110", "?businessDate=202611011",
                                   "?businessDate=" + "".join(f"%EF%BC%{0x90 + int(d):02X}" for d in "20261101"),
                                   "?businessDate=" + "9" * 5000, "?businessDate=20261101%00"])
@pytest.mark.parametrize("path", ["/cashmgmt/v1/entries", "/cashmgmt/v1/deposits"])
def test_a_bad_business_date_is_400(client, headers, path, query):
    assert_toast_error(client.get(path + query, headers=headers), 400)


def test_the_deprecated_parameter_is_ignored_beside_business_date(client, headers):
    day = _today(client)
    assert client.get(f"/cashmgmt/v1/entries?businessDate={day}&yyyymmdd=nonsense", headers=headers).status_code == 200


@pytest.mark.parametrize("path", ["/cashmgmt/v1/entries", "/cashmgmt/v1/deposits"])
def test_access_rules(client, partner_token, path):
    query = f"{path}?businessDate=20261101"
    assert_toast_error(client.get(query), 401)
    assert_toast_error(client.get(query, headers=toast_headers(partner_token, HARBOR_SEAPORT)), 403)
    assert_toast_error(client.get(query, headers=toast_headers(login(client, READ_ONLY))), 403, "cashmgmt:read")
    assert_toast_error(client.get(query, headers={"Authorization": f"Bearer {partner_token}"}), 400)


def test_tips_beyond_the_drawers_cash_come_from_the_safe_and_nothing_is_banked(client, headers, harbor):
    """A day whose only payment is a card with a tip: the tip is paid out in cash (GUIDE_ENTRIES), the
    drawer has none, so the manager brings it from the safe (CASH_IN) and there is no deposit (amounts are > 0)."""
    day = _today(client)
    _paid_order(client, headers, harbor, "CREDIT", 15.0)
    advance(client, 16 * 3600)
    entries = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    routine = sum(_money(e["amount"]) for e in entries if e["type"] in ("PAY_OUT", "UNDO_PAY_OUT"))
    assert [(e["type"], _money(e["amount"])) for e in entries if e["reason"] == "Cash from the safe for tip-outs"] \
        == [("CASH_IN", Decimal("15.00") - routine)]
    assert [e["amount"] for e in entries if e["type"] == "TIP_OUT"] == [-15.0]
    assert [e["type"] for e in entries if e["type"].startswith("CLOSE_OUT")] == ["CLOSE_OUT_EXACT"]
    assert _get(client, headers, f"/cashmgmt/v1/deposits?businessDate={day}") == []


@pytest.mark.pos_sandbox(history_days=2, toast_card_tips="payroll")
def test_with_tips_on_the_payroll_there_is_no_tip_out_and_the_deposit_keeps_that_cash(client, headers):
    day = _day_before(_today(client))
    entries = _get(client, headers, f"/cashmgmt/v1/entries?businessDate={day}")
    assert not [e for e in entries if e["type"] == "TIP_OUT"]
    assert [e for e in entries if e["type"] == "DRIVER_REIMBURSEMENT"]
    payments = [p for p in _day_payments(client, headers, day) if p["paymentStatus"] != "VOIDED"]
    cash = sum((_money(p["amount"]) + _money(p["tipAmount"]) for p in payments if p["type"] == "CASH"), Decimal(0))
    deposits = _get(client, headers, f"/cashmgmt/v1/deposits?businessDate={day}")
    assert cash + sum(_money(e["amount"]) for e in entries) == sum(_money(d["amount"]) for d in deposits) > 0


@pytest.mark.pos_sandbox(history_days=4)
def test_the_bar_terminals_cash_goes_into_the_bar_drawer(client, headers):
    """Cash drawers hang off printers (CashDrawer.printer); the Bar terminal (device details) takes cash into the
    drawer on the Bar printer, every other device and the API into the first drawer."""
    printers = {p["guid"]: p["name"] for p in client.get("/config/v2/printers", headers=headers).json}
    drawers = client.get("/config/v2/cashDrawers", headers=headers).json
    on_printer = {printers[d["printer"]["guid"]]: d["guid"] for d in drawers}
    devices = {d["posDeviceInfo"]["deviceId"]: d["posDeviceInfo"]["deviceName"]
               for d in client.get("/device-details/v1/device-info", headers=headers).json if d["posDeviceInfo"]}
    seen = set()
    for back in range(1, 4):
        for payment in _day_payments(client, headers, _day_before(_today(client), back)):
            if payment["type"] == "CASH":
                station = devices.get(payment["createdDevice"]["id"])
                want = on_printer["Bar"] if station == "Bar" else drawers[0]["guid"]
                assert payment["cashDrawer"]["guid"] == want
                seen.add(station)
    assert "Bar" in seen and len(seen) > 1
