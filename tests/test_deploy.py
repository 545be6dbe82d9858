"""The sharded shapes' files: `deploy/` is what the generator writes, HAProxy accepts it, the compose file and the
Kubernetes manifests agree with it, a shard that is down answers in each provider's shape, and `--shards` without
HAProxy says which package to install."""

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from sandbox.cluster import deploy, haproxy

ROOT = os.path.join(os.path.dirname(__file__), "..")
DEPLOY = os.path.join(ROOT, "deploy")


def test_deploy_holds_what_the_generator_writes():
    for name, content in deploy.files().items():
        with open(os.path.join(DEPLOY, name), "rb") as handle:
            assert handle.read() == content, f"deploy/{name} is stale: run `python -m sandbox.cluster.deploy deploy`"


@pytest.mark.skipif(not shutil.which("haproxy"), reason="needs HAProxy (`bash .ci/run` installs it)")
def test_haproxy_accepts_the_deploy_configuration(tmp_path):
    files = haproxy.render(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], ":8080", str(tmp_path), resolve=True)
    haproxy.write(str(tmp_path), files)
    checked = subprocess.run(["haproxy", "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_compose_and_kubernetes_name_the_shards_the_configuration_routes_to():
    urls = ",".join(deploy.shard_urls())
    with open(os.path.join(DEPLOY, "compose.yaml"), encoding="utf-8") as handle:
        compose = yaml.safe_load(handle)
    shards = {name: service for name, service in compose["services"].items() if "build" in service}
    assert sorted(shards) == [f"pos-sandbox-{n}" for n in range(deploy.SHARDS)]
    for number in range(deploy.SHARDS):
        service = shards[f"pos-sandbox-{number}"]
        assert service["environment"]["SANDBOX_SHARD_URLS"] == urls
        assert service["environment"]["SANDBOX_SHARD_INDEX"] == str(number)
        assert service["networks"]["default"]["aliases"] == [f"pos-sandbox-{number}.pos-sandbox"]
    with open(os.path.join(DEPLOY, "kubernetes", "pos-sandbox.yaml"), encoding="utf-8") as handle:
        kinds = {document["kind"]: document for document in yaml.safe_load_all(handle)}
    shard_set = kinds["StatefulSet"]["spec"]
    assert shard_set["replicas"] == deploy.SHARDS and shard_set["serviceName"] == "pos-sandbox"
    env = {item["name"]: item for item in shard_set["template"]["spec"]["containers"][0]["env"]}
    assert env["SANDBOX_SHARD_URLS"]["value"] == urls
    with open(os.path.join(DEPLOY, "kubernetes", "haproxy-configmap.yaml"), encoding="utf-8") as handle:
        config_map = yaml.safe_load(handle)
    assert config_map["metadata"]["name"] == "pos-sandbox-haproxy"
    assert "pos-sandbox-2.pos-sandbox:8080" in config_map["data"]["haproxy.cfg"]


@pytest.mark.parametrize("provider, keys", [
    ("toast", {"status", "code", "message", "messageKey", "fieldName", "link", "requestId", "developerMessage",
               "errors", "canRetry"}),
    ("toster", {"error", "details"}),
    ("sandbox", {"error", "details"}),
])
def test_a_shard_that_is_down_answers_in_the_provider_s_shape(provider, keys):
    head, _, body = haproxy.error_file(provider, 503).partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Retry-After"] == "5" and headers["Content-Type"] == "application/json"
    assert int(headers["Content-Length"]) == len(body) and set(json.loads(body)) == keys


def test_shards_without_haproxy_name_the_package(tmp_path):
    answer = subprocess.run([sys.executable, "-m", "sandbox", "serve", "--shards", "2"], capture_output=True,
                            text=True, env={**os.environ, "PATH": str(tmp_path)}, cwd=ROOT)
    assert answer.returncode == 2
    assert "install the Debian package haproxy (apt-get install haproxy)" in answer.stderr
    assert "Traceback" not in answer.stderr
