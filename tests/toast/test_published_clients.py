"""A published Toast client, unchanged, against a served sandbox: `toastapi` (PyPI, generated from Toast's published
specs, takes a base URL) logs in and reads Menus v3 and v2 into its own models."""

import asyncio

import pytest
import toastapi
from toastapi.api.authentication_api import AuthenticationApi
from toastapi.api.menus_v2_api import MenusV2Api
from toastapi.api.menus_v3_api import MenusV3Api
from toastapi.models.authentication_request import AuthenticationRequest

from helpers import HARBOR_DOWNTOWN, PARTNER
from serving import Served


@pytest.fixture(scope="module")
def served():
    sandbox = Served("--frozen", "--strict")
    yield sandbox
    sandbox.stop()


async def _read_menus(url):
    config = toastapi.Configuration(host=url)
    async with toastapi.ApiClient(config) as client:
        login = await AuthenticationApi(client).login(AuthenticationRequest(
            client_id=PARTNER["clientId"], client_secret=PARTNER["clientSecret"],
            user_access_type="TOAST_MACHINE_CLIENT"))
        config.access_token = login.token.access_token
        v3 = MenusV3Api(client)
        metadata = await v3.get_menus_metadata_v3(toast_restaurant_external_id=HARBOR_DOWNTOWN)
        menus_v3 = await v3.list_menus_v3(toast_restaurant_external_id=HARBOR_DOWNTOWN)
        menus_v2 = await MenusV2Api(client).list_menus(toast_restaurant_external_id=HARBOR_DOWNTOWN)
    return metadata, menus_v3, menus_v2


def _prices(document):
    return {item.guid: (item.name, item.price) for menu in document.menus for group in menu.menu_groups
            for item in group.menu_items}


def test_the_toastapi_client_reads_menus_v3_and_v2(served):
    metadata, v3, v2 = asyncio.run(_read_menus(served.url))
    assert metadata.restaurant_guid == v3.restaurant_guid == HARBOR_DOWNTOWN
    assert metadata.last_updated == v3.last_updated
    assert _prices(v3) == _prices(v2) and ("Lobster Benedict", 24.0) in _prices(v3).values()
    brunch = next(menu for menu in v3.menus if menu.name == "Weekend Brunch")
    assert brunch.availability.always_available is False
    assert brunch.availability.schedule[0].days == ["SATURDAY", "SUNDAY"]
