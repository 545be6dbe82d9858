"""Shared fixtures: a fresh strict sandbox per test and logged-in Toast headers."""

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, PARTNER, Menu, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS


@pytest.fixture
def app(request):
    """A fresh strict sandbox; without order history unless the test is marked `history` (seeding it is the
    slowest part of building a world)."""
    settings = dict(TEST_SETTINGS)
    if request.node.get_closest_marker("history") is None:
        settings["history_days"] = 0
    return create_app(settings)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sandbox(app):
    return app.extensions["sandbox"]


@pytest.fixture
def world(sandbox):
    return sandbox.store.get(None)


@pytest.fixture
def partner_token(client):
    return login(client, PARTNER)


@pytest.fixture
def harbor(world):
    return Menu(world.state["toast"].catalogs[HARBOR_DOWNTOWN])


@pytest.fixture
def mesa(world):
    return Menu(world.state["toast"].catalogs[MESA])


@pytest.fixture
def headers(partner_token):
    return toast_headers(partner_token, HARBOR_DOWNTOWN)


@pytest.fixture
def mesa_headers(partner_token):
    return toast_headers(partner_token, MESA)
