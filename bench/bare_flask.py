"""The ceiling for bench/peers.py: a bare Flask app that answers each captured request with the sandbox's own bytes.

Served by bench/peers.py under the sandbox's gunicorn shape; PEERS_CAPTURES names the JSON file of captures
({"METHOD /path?query": {"status": int, "body": text}})."""

import json
import os

from flask import Flask, Response, request

app = Flask(__name__)
with open(os.environ["PEERS_CAPTURES"], encoding="utf-8") as handle:
    CAPTURES = {key: (value["status"], value["body"].encode()) for key, value in json.load(handle).items()}


@app.route("/<path:path>", methods=["GET", "POST"])
def captured(path):
    key = f"{request.method} /{path}"
    if request.query_string:
        key += "?" + request.query_string.decode()
    if request.method == "POST":
        request.get_data()          # read the body as a server must
    status, body = CAPTURES.get(key, (404, b"{}"))
    return Response(body, status=status, content_type="application/json")
