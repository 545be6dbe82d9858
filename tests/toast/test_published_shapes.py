"""Our answers against the platform's published schemas (../shared/reference/toast-specs), for the APIs served
before the published-spec check existed: an SDK generated from the published spec must read what we send."""

import pytest

from tests.helpers import HARBOR_DOWNTOWN
from tests.published import assert_published


@pytest.mark.pos_sandbox(history_days=2)
@pytest.mark.parametrize("document, path", [
    ("toast-orders-openapi.yaml", "/orders/v2/ordersBulk?pageSize=5&businessDate={today}"),
    ("toast-menus-openapi.yaml", "/menus/v2/menus"),
    ("toast-restaurants-openapi.yaml", f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}"),
    ("toast-partners-openapi.yaml", "/partners/v1/restaurants"),
])
def test_reads_fit_the_published_schemas(client, headers, document, path):
    today = client.get("/_sandbox/clock").json["now"][:10].replace("-", "")
    path = path.format(today=today)
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert_published(document, "GET", path, 200, response.json)


@pytest.mark.pos_sandbox(history_days=2)
def test_one_order_fits_the_published_schema(client, headers):
    yesterday = client.get("/_sandbox/clock").json["now"][:10].replace("-", "")
    orders = client.get(f"/orders/v2/ordersBulk?pageSize=1&businessDate={yesterday}", headers=headers).json
    assert orders
    path = f"/orders/v2/orders/{orders[0]['guid']}"
    response = client.get(path, headers=headers)
    assert_published("toast-orders-openapi.yaml", "GET", path, 200, response.json)


def test_the_check_catches_a_wrong_shape():
    with pytest.raises(AssertionError, match="guid"):
        assert_published("toast-restaurants-openapi.yaml", "GET", f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}",
                         200, {"guid": 12})
