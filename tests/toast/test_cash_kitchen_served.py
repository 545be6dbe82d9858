"""Cash management, kitchen, packaging, ordering schedule and device details against a real `pos-sandbox serve`
process: every operation over HTTP, checked against the published schemas, and two published Toast clients run
unchanged against it.

- `toastapi` (PyPI; a client generated from Toast's specs, `Configuration(host=...)` takes the base URL) reads the
  cash drawers, pay-out and no-sale reasons and a day's payments the cash entries and deposits are built from.
- `arcade-toast-api` (PyPI; assistant tools for Toast) calls the cash and kitchen operations. It takes no base URL
  option: its module constant `TOAST_API_BASE` is the only setting, and the test sets it; no code is changed.
"""

import asyncio
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, PARTNER
from serving import Served
from tests.published import assert_published

OPERATIONS = [
    ("toast-cash-management-openapi.yaml", "/cashmgmt/v1/entries?businessDate={day}"),
    ("toast-cash-management-openapi.yaml", "/cashmgmt/v1/deposits?businessDate={day}"),
    ("toast-kitchen-openapi.yaml", "/kitchen/v1/published/prepStations"),
    ("toast-kitchen-openapi.yaml", "/kitchen/v1/published/prepStations/{station}"),
    ("toast-kitchen-openapi.yaml", "/kitchen/v1/export/itemFulfillments?businessDate={day}"),
    ("toast-packaging-openapi.yaml", "/packaging/v1/published/packagingConfig"),
    ("toast-ordermgmt-configuration-openapi.yaml", "/ordermgmt-config/v1/published/orderingSchedule"),
    ("toast-device-details-openapi.yaml", "/device-details/v1/device-info"),
]


@pytest.fixture(scope="module")
def served():
    """A fixed, frozen start instant: the day before it is a closed business day with cash, tips and fulfilled
    items. The clock does not move, so neither would the rate-limit windows: the clients' ~40 calls in a row would
    meet the GLOBAL 20/s limit, which neither client handles (real Toast would answer 429 too); limits are off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SANDBOX_RATE_LIMITS", "false")
        server = Served("--history-days", "2", "--start-time", "2026-11-02T17:30:00Z", "--frozen")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def session(served):
    answer = requests.post(f"{served.url}/authentication/v1/authentication/login", timeout=10,
                           json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                 "userAccessType": "TOAST_MACHINE_CLIENT"})
    http = requests.Session()
    http.headers.update({"Authorization": f"Bearer {answer.json()['token']['accessToken']}",
                         "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN})
    return http


def _yesterday():
    return f"{date(2026, 11, 2) - timedelta(days=1):%Y%m%d}"


@pytest.mark.parametrize("document, template", OPERATIONS)
def test_every_operation_over_http(served, session, document, template):
    station = session.get(f"{served.url}/kitchen/v1/published/prepStations", timeout=10).json()[0]["guid"]
    path = template.format(day=_yesterday(), station=station)
    response = session.get(served.url + path, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.json()
    assert_published(document, "GET", path, 200, response.json())


def _toastapi_reads(base):
    """What the published generated client reads: drawer and reasons, and the day's payments."""
    import toastapi
    from toastapi.models.authentication_request import AuthenticationRequest

    async def read():
        config = toastapi.Configuration(host=base)
        async with toastapi.ApiClient(config) as api:
            login = await toastapi.AuthenticationApi(api).login(AuthenticationRequest(
                client_id=PARTNER["clientId"], client_secret=PARTNER["clientSecret"],
                user_access_type="TOAST_MACHINE_CLIENT"))
            config.access_token = login.token.access_token
            place = HARBOR_DOWNTOWN
            payments = toastapi.PaymentsApi(api)
            guids = await payments.list_payments(place, paid_business_date=_yesterday())
            return {"drawers": await toastapi.CashDrawersApi(api).list_cash_drawers(place),
                    "payouts": await toastapi.PayoutReasonsApi(api).list_payout_reasons(place),
                    "noSales": await toastapi.NoSaleReasonsApi(api).list_no_sale_reasons(place),
                    "payments": [await payments.get_payment_by_guid(place, guid) for guid in guids]}
    return asyncio.run(read())


def test_toastapi_reads_what_the_cash_entries_are_built_from(served, session):
    read = _toastapi_reads(served.url)
    entries = session.get(f"{served.url}/cashmgmt/v1/entries?businessDate={_yesterday()}", timeout=10).json()
    deposits = session.get(f"{served.url}/cashmgmt/v1/deposits?businessDate={_yesterday()}", timeout=10).json()
    assert {e["cashDrawer"]["guid"] for e in entries} <= {d.guid for d in read["drawers"]}
    assert {p.cash_drawer.guid for p in read["payments"] if p.type == "CASH"} <= \
        {e["cashDrawer"]["guid"] for e in entries if e["type"].startswith("CLOSE_OUT")}
    assert {e["payoutReason"]["guid"] for e in entries if e["payoutReason"]} <= {r.guid for r in read["payouts"]}
    assert {e["noSaleReason"]["guid"] for e in entries if e["noSaleReason"]} <= {r.guid for r in read["noSales"]}
    cash = sum(Decimal(str(p.amount)) + Decimal(str(p.tip_amount or 0)) for p in read["payments"]
               if p.type == "CASH" and p.payment_status != "VOIDED")
    assert cash > 0
    assert cash + sum(Decimal(str(e["amount"])) for e in entries) == sum(Decimal(str(d["amount"])) for d in deposits)


def test_arcade_toast_api_tools_run_against_the_sandbox(served, session, monkeypatch):
    monkeypatch.setenv("ARCADE_USAGE_TRACKING", "0")
    from arcade_core.schema import ToolSecretItem
    from arcade_tdk import ToolContext
    import arcade_toast_api.tools as tools

    monkeypatch.setattr(tools, "TOAST_API_BASE", served.url)
    context = ToolContext(secrets=[ToolSecretItem(key="TOAST_CLIENT_ID", value=PARTNER["clientId"]),
                                   ToolSecretItem(key="TOAST_CLIENT_SECRET", value=PARTNER["clientSecret"])])

    def ours(path):
        return session.get(served.url + path, timeout=10).json()

    async def run():
        day = _yesterday()
        entries = await tools.get_cash_entries(context, HARBOR_DOWNTOWN, day)
        deposits = await tools.get_cash_deposits(context, HARBOR_DOWNTOWN, day)
        stations = await tools.get_prep_stations(context, HARBOR_DOWNTOWN)
        one = await tools.get_prep_station(context, stations["response_json"][1]["guid"], HARBOR_DOWNTOWN)
        return entries, deposits, stations, one

    entries, deposits, stations, one = asyncio.run(run())
    assert entries["response_json"] == ours(f"/cashmgmt/v1/entries?businessDate={_yesterday()}")
    assert deposits["response_json"] == ours(f"/cashmgmt/v1/deposits?businessDate={_yesterday()}")
    assert stations["response_json"] == ours("/kitchen/v1/published/prepStations")
    assert one["response_json"] == stations["response_json"][1]


def test_the_docs_walk_throughs_run_as_written():
    """The curl walk-throughs of docs/apis (cash management first: it logs in and sets R and H), on the real clock."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "apis"
    blocks = [(docs / name).read_text(encoding="utf-8").split("```bash\n", 1)[1].split("```", 1)[0]
              for name in ("toast-cash-management.md", "toast-kitchen.md", "toast-small-config.md")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SANDBOX_RATE_LIMITS", "false")
        server = Served("--history-days", "2")
    try:
        script = "set -euo pipefail\n" + "\n".join(blocks).replace("BASE=http://localhost:8080", f"BASE={server.url}")
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    for fragment in ('"entityType":"CashEntry"', '"entityType":"CashDrawer"', '"entityType":"PrepStation"',
                     '"itemFulfillmentLevel":0', "HTTP/1.1 200",
                     '"guestInclusionType":"OPT_IN"', '"servicePeriods"', '"deviceId":"HG-001-POS1"',
                     "HG-001-POS"):
        assert fragment in result.stdout, fragment
