"""Toast Partners v1: the connected-restaurant lists, paging, lastModified, and partner-only access."""

from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import (GROUP, HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA, PARTNER, READ_ONLY, advance,
                      assert_toast_error, login, toast_headers)

LIST = "/partners/v1/restaurants"
PAGED = "/partners/v1/connectedRestaurants"


def test_restaurants_is_a_bare_array_of_the_clients_connections(client, partner_token):
    response = client.get(LIST, headers=toast_headers(partner_token, None))
    assert response.status_code == 200
    body = response.json
    assert isinstance(body, list)
    assert {r["restaurantGuid"] for r in body} == set(PARTNER["restaurants"])
    downtown = next(r for r in body if r["restaurantGuid"] == HARBOR_DOWNTOWN)
    assert downtown["restaurantName"] == "Harbor Grill"
    assert downtown["locationName"] == "Downtown"
    assert downtown["deleted"] is False
    assert downtown["isoCreatedDate"].endswith("Z")


def test_trailing_slash_answers_the_same_without_redirect(client, partner_token):
    plain = client.get(LIST, headers=toast_headers(partner_token, None))
    slashed = client.get(LIST + "/", headers=toast_headers(partner_token, None))
    assert slashed.status_code == 200
    assert slashed.json == plain.json


def test_connected_restaurants_pages_by_number_and_token(client, partner_token):
    headers = toast_headers(partner_token, None)
    first = client.get(PAGED, query_string={"pageSize": 1}, headers=headers).json
    assert first["currentPageNum"] == 1 and first["pageSize"] == 1
    assert first["totalResultCount"] == first["totalCount"] == 2
    assert first["lastPageNum"] == 2 and first["nextPageNum"] == 2 and first["previousPageNum"] is None
    second = client.get(PAGED, query_string={"pageToken": first["nextPageToken"]}, headers=headers).json
    assert second["currentPageNum"] == 2 and second["nextPageNum"] is None and second["nextPageToken"] is None
    assert second["previousPageNum"] == 1
    by_number = client.get(PAGED, query_string={"page": 2, "pageSize": 1}, headers=headers).json
    assert by_number["results"] == second["results"]
    assert {r["restaurantGuid"] for r in first["results"] + second["results"]} == set(PARTNER["restaurants"])


def _links(response):
    """{rel: url} from the response's `Link` header lines."""
    found = {}
    for line in response.headers.getlist("Link"):
        url, rel = line.split("; ")
        found[rel.removeprefix('rel="').removesuffix('"')] = url.strip("<>")
    return found


def test_spec_connected_restaurants_link_headers_carry_first_and_next_tokens(client, partner_token):
    """The partners spec: the page tokens for the first and next pages are also in the `link` response headers."""
    headers = toast_headers(partner_token, None)
    response = client.get(PAGED, query_string={"pageSize": 1, "lastModified": "2020-01-01T00:00:00.000+0000"},
                          headers=headers)
    seen = list(response.json["results"])
    links = _links(response)
    assert set(links) == {"first", "next"}
    assert links["next"].startswith("http://localhost/partners/v1/connectedRestaurants?")
    query = parse_qs(urlsplit(links["next"]).query)
    assert query == {"lastModified": ["2020-01-01T00:00:00.000+0000"], "pageToken": [response.json["nextPageToken"]]}
    while "next" in links:
        response = client.get(links["next"], headers=headers)
        seen += response.json["results"]
        links = _links(response)
    assert set(links) == {"first"} and response.json["nextPageToken"] is None
    assert {r["restaurantGuid"] for r in seen} == set(PARTNER["restaurants"])
    first = client.get(links["first"], headers=headers).json
    assert first["currentPageNum"] == 1 and first["pageSize"] == 1


def test_connected_restaurants_default_page_size_is_100(client, partner_token):
    body = client.get(PAGED, headers=toast_headers(partner_token, None)).json
    assert body["pageSize"] == 100 and len(body["results"]) == 2 and body["nextPageToken"] is None


@pytest.mark.parametrize("query, field", [({"pageSize": 201}, "pageSize"), ({"pageSize": 0}, "pageSize"),
                                          ({"page": 0}, "page"), ({"pageSize": "ten"}, "pageSize"),
                                          ({"pageToken": "%%%"}, "pageToken"),
                                          ({"lastModified": "yesterday"}, "lastModified")])
def test_bad_paging_parameters_are_400(client, partner_token, query, field):
    error = assert_toast_error(client.get(PAGED, query_string=query, headers=toast_headers(partner_token, None)),
                               400)
    assert error["fieldName"] == field


def test_last_modified_filters_on_the_connection_change(client, partner_token, world):
    headers = toast_headers(partner_token, None)
    cutoff = world.clock.to_dict()["now"].replace("Z", "+0000")
    assert client.get(LIST, query_string={"lastModified": cutoff}, headers=headers).json == []
    advance(client, 10)
    assert client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"],
                                                      "restaurantGuid": HARBOR_SEAPORT}).status_code == 201
    changed = client.get(LIST, query_string={"lastModified": cutoff}, headers=headers).json
    assert [r["restaurantGuid"] for r in changed] == [HARBOR_SEAPORT]
    paged = client.get(PAGED, query_string={"lastModified": cutoff}, headers=headers).json
    assert [r["restaurantGuid"] for r in paged["results"]] == [HARBOR_SEAPORT]


def test_connect_and_disconnect_show_at_once(client, partner_token):
    headers = toast_headers(partner_token, None)
    created = client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"],
                                                         "restaurantGuid": HARBOR_SEAPORT,
                                                         "externalRestaurantRef": "store-17"})
    assert created.status_code == 201
    assert created.json["externalRestaurantRef"] == "store-17"
    listed = {r["restaurantGuid"]: r for r in client.get(LIST, headers=headers).json}
    assert listed[HARBOR_SEAPORT]["externalRestaurantRef"] == "store-17"
    again = client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"],
                                                       "restaurantGuid": HARBOR_SEAPORT})
    assert again.status_code == 200
    gone = client.delete(f"/_sandbox/connections/{PARTNER['clientId']}/{MESA}")
    assert gone.status_code == 204 and gone.data == b""
    assert {r["restaurantGuid"] for r in client.get(LIST, headers=headers).json} == {HARBOR_DOWNTOWN,
                                                                                      HARBOR_SEAPORT}
    # The disconnected restaurant is now out of reach on the other APIs too.
    assert_toast_error(client.get(f"/restaurants/v1/restaurants/{MESA}", headers=toast_headers(partner_token, MESA)),
                       403, "not connected")


@pytest.mark.parametrize("body, status", [
    ({"clientId": "nobody", "restaurantGuid": HARBOR_SEAPORT}, 404),
    ({"clientId": PARTNER["clientId"], "restaurantGuid": "00000000-0000-4000-8000-000000000000"}, 404),
    ({"clientId": GROUP["clientId"], "restaurantGuid": HARBOR_SEAPORT}, 409),
    ({"clientId": PARTNER["clientId"]}, 400),
    ({"clientId": PARTNER["clientId"], "restaurantGuid": "not-a-guid"}, 400),
])
def test_connection_control_errors(client, body, status):
    response = client.post("/_sandbox/connections", json=body)
    assert response.status_code == status
    assert set(response.json) == {"error", "details"}


def test_disconnecting_what_is_not_connected_is_404(client):
    assert client.delete(f"/_sandbox/connections/{READ_ONLY['clientId']}/{HARBOR_SEAPORT}").status_code == 404


@pytest.mark.parametrize("path", [LIST, PAGED])
def test_group_clients_cannot_use_the_partners_api(client, path):
    token = login(client, GROUP)
    assert_toast_error(client.get(path, headers=toast_headers(token, None)), 403, "partner")


@pytest.mark.parametrize("path", [LIST, PAGED])
def test_partners_api_needs_a_token(client, path):
    assert_toast_error(client.get(path), 401)
