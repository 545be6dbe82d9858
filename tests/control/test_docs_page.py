"""`GET /_sandbox/docs`: every spec's operations with served or not, offline, behind the admin token like the rest."""

import re
from dataclasses import fields

import pytest

from sandbox.config import Config


def test_the_page_lists_every_operation_of_every_spec_as_coverage_says(client):
    page = client.get("/_sandbox/docs")
    assert page.status_code == 200 and page.content_type == "text/html; charset=utf-8"
    html = page.get_data(as_text=True)
    coverage = client.get("/_sandbox/coverage").json
    for row in coverage["operations"]:
        found = re.search(rf'<tr id="{re.escape(row["spec"])}-{re.escape(row["operationId"])}">(.*?)</tr>', html)
        assert found, f"{row['spec']} {row['operationId']} is missing"
        assert row["path"] in found.group(1)
        assert ("not served" in found.group(1)) is not row["implemented"]
    assert html.count("<tr id=") == coverage["total"]
    for spec in client.get("/_sandbox/specs").json:
        assert f'href="{spec["url"]}"' in html and client.get(spec["url"]).status_code == 200


def test_the_page_lists_every_setting_with_its_variable(client):
    html = client.get("/_sandbox/docs").get_data(as_text=True)
    for item in fields(Config):
        assert f"<tr><td><code>{item.name}</code></td><td><code>SANDBOX_{item.name.upper()}</code></td>" in html
    assert "<code>--admin-token ADMIN_TOKEN</code>" in html and "<code>1048576</code>" in html


def test_the_page_loads_nothing_from_elsewhere(client):
    html = client.get("/_sandbox/docs").get_data(as_text=True)
    assert "<script" not in html and "<link" not in html
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)


def test_the_front_door_and_the_console_link_to_it(client):
    home = client.get("/").json
    assert home["docs"] == "/_sandbox/docs" and client.get(home["docs"]).status_code == 200
    assert client.get(home["specs"]).json[0]["url"].startswith("/_sandbox/specs/")
    assert 'href="/_sandbox/docs"' in client.get("/_sandbox/console").get_data(as_text=True)


@pytest.mark.pos_sandbox(admin_token="docs-token-1")
def test_with_an_admin_token_the_page_and_its_documents_need_it(client):
    assert client.get("/_sandbox/docs").status_code == 401
    assert client.get("/_sandbox/docs?token=not-the-token").status_code == 401
    page = client.get("/_sandbox/docs?token=docs-token-1")
    assert page.status_code == 200
    links = re.findall(r'href="(/_sandbox/specs/[^"]+)"', page.get_data(as_text=True))
    assert links and all(link.endswith("?token=docs-token-1") for link in links)
    assert client.get(links[0]).status_code == 200
    assert client.get(links[0].split("?")[0]).status_code == 401
    # Only pages a browser opens take the token from the address; an API call still needs the header.
    assert client.get("/_sandbox/specs?token=docs-token-1").status_code == 401
    assert client.post("/_sandbox/reset?token=docs-token-1").status_code == 401
    assert client.get("/_sandbox/docs", headers={"X-Sandbox-Token": "docs-token-1"}).status_code == 200
