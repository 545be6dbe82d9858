"""Toast Restaurants v1: one restaurant's configuration and the restaurants of a management group."""

from helpers import (GROUP, HARBOR_DOWNTOWN, HARBOR_GROUP, HARBOR_SEAPORT, MESA, MESA_GROUP, assert_toast_error,
                      login, toast_headers)


def _restaurant(guid):
    return f"/restaurants/v1/restaurants/{guid}"


def test_get_restaurant(client, partner_token):
    response = client.get(_restaurant(HARBOR_DOWNTOWN), headers=toast_headers(partner_token))
    assert response.status_code == 200
    body = response.json
    assert body["guid"] == HARBOR_DOWNTOWN
    assert body["general"]["name"] == "Harbor Grill"
    assert body["general"]["timeZone"] == "America/New_York"
    assert body["general"]["closeoutHour"] == 4
    assert body["general"]["managementGroupGuid"] == HARBOR_GROUP
    assert body["location"]["city"] == "Boston"
    week = body["schedules"]["weekSchedule"]
    assert set(week.values()) <= set(body["schedules"]["daySchedules"])


def test_archived_restaurant_needs_include_archived(client, partner_token, sandbox):
    state = sandbox.store.get(None).state["toast"]
    state.restaurants[HARBOR_DOWNTOWN].archived = True
    headers = toast_headers(partner_token)
    assert_toast_error(client.get(_restaurant(HARBOR_DOWNTOWN), headers=headers), 404)
    shown = client.get(_restaurant(HARBOR_DOWNTOWN), query_string={"includeArchived": "true"}, headers=headers)
    assert shown.status_code == 200 and shown.json["general"]["archived"] is True
    assert_toast_error(client.get(_restaurant(HARBOR_DOWNTOWN), query_string={"includeArchived": "maybe"},
                                  headers=headers), 400)


def test_unknown_restaurant_in_path_is_404(client, partner_token):
    assert_toast_error(client.get(_restaurant("00000000-0000-4000-8000-000000000000"),
                                  headers=toast_headers(partner_token)), 404)


def test_restaurant_out_of_reach_in_path_is_403(client):
    token = login(client, GROUP)
    assert_toast_error(client.get(_restaurant(MESA), headers=toast_headers(token)), 403)


def test_group_restaurants_lists_every_location_of_the_group(client):
    token = login(client, GROUP)
    response = client.get(f"/restaurants/v1/groups/{HARBOR_GROUP}/restaurants", headers=toast_headers(token))
    assert response.status_code == 200
    assert sorted(r["guid"] for r in response.json) == sorted([HARBOR_DOWNTOWN, HARBOR_SEAPORT])


def test_group_restaurants_of_another_group_is_403(client, partner_token):
    response = client.get(f"/restaurants/v1/groups/{MESA_GROUP}/restaurants", headers=toast_headers(partner_token))
    assert_toast_error(response, 403)


def test_group_restaurants_of_unknown_group_is_404(client, partner_token):
    response = client.get("/restaurants/v1/groups/00000000-0000-4000-8000-000000000000/restaurants",
                          headers=toast_headers(partner_token))
    assert_toast_error(response, 404)
