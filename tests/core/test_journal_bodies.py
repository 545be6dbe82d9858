"""The journal keeps the first BODY_KEPT bytes of each body with its secrets masked; a secret cut there is hidden
whole. Masking happens when an entry is read, and a request pays only for cutting its bodies."""

import json
import random
import re

import pytest

from sandbox.core.journal import BODY_KEPT, Journal, mask, mask_body

SECRET_FIELDS = ["clientSecret", "accessToken", "secret", "refreshToken", "idToken", "key"]
# The rule written out independently: mask every complete secret field of the kept text, then hide the value of
# one left open at its end.
_COMPLETE = re.compile(r'("(?:' + "|".join(SECRET_FIELDS) + r')"\s*:\s*")([^"]*)(")')
_OPEN_AT_END = re.compile(r'("(?:' + "|".join(SECRET_FIELDS) + r')"\s*:\s*")[^"]*$')


def _expected(raw):
    text = raw[:BODY_KEPT].decode("utf-8", errors="replace")
    text = _COMPLETE.sub(lambda m: m.group(1) + mask(m.group(2)) + m.group(3), text)
    found = _OPEN_AT_END.search(text)
    return text[:found.end(1)] + "****" if found else text


def _body(rng):
    """A JSON-ish body: filler (some of it multi-byte), secret fields of every length (values are runs of `s`),
    odd spacing, unclosed ends."""
    parts = []
    for _ in range(rng.randint(0, 40)):
        kind = rng.random()
        if kind < 0.3:
            name = rng.choice(SECRET_FIELDS)
            space = rng.choice(["", " ", "\n  "])
            parts.append(f'"{name}"{space}:{space}"{"s" * rng.choice([0, 3, 8, 9, 40, 2000, 5000])}"')
        elif kind < 0.5:
            parts.append("é€😀" * rng.randint(1, 500))
        else:
            parts.append(json.dumps({"name": "x" * rng.randint(0, 900), "n": rng.random()}))
    body = ",".join(parts)
    if rng.random() < 0.2:
        body += '"accessToken": "unterminated'
    return body


@pytest.mark.parametrize("seed", range(300))
def test_the_kept_text_is_the_cut_body_masked(seed):
    body = _body(random.Random(seed)).encode()
    kept = mask_body(body)
    assert kept == _expected(body)
    assert "sssss" not in kept and "unterm" not in kept      # no secret value shows more than its last 4
    assert len(kept.encode("utf-8", errors="surrogatepass")) <= BODY_KEPT + 3 * 40   # a cut plus masks


def test_a_large_response_keeps_its_start_with_its_secrets_masked():
    body = json.dumps([{"accessToken": "A" * 30 + "tail", "rest": "z" * 600} for _ in range(2000)]).encode()
    kept = mask_body(body)
    assert body.decode().startswith(kept.replace("****tail", "A" * 30 + "tail")[:100])
    assert "A" * 5 not in kept and kept.count("****tail") >= 5


def test_a_secret_cut_at_the_end_does_not_show():
    body = b'{"note": "' + b"n" * (BODY_KEPT - 40) + b'", "secret": "' + b"S" * (20 * BODY_KEPT) + b'"}'
    kept = mask_body(body)
    assert "S" not in kept and kept.endswith('"secret": "****')


def test_nothing_and_short_bodies():
    assert mask_body(b"") == mask_body(None) == ""
    assert mask_body(b'{"clientSecret":"abcdefghij"}') == '{"clientSecret":"****ghij"}'
    assert mask_body("<12 bytes, not read: not kept>") == "<12 bytes, not read: not kept>"


def test_an_entry_is_masked_when_read_and_keeps_only_the_cut_bodies():
    journal = Journal(2)
    secret = "s3cr3t-value-0123456789"
    big = json.dumps({"clientSecret": secret, "pad": "p" * (3 * BODY_KEPT)}).encode()
    entry = journal.record(([("HTTP_AUTHORIZATION", f"Bearer {secret}")], big, [("Content-Type", "application/json")],
                            big),
                           method="POST", path="/x", status=200)
    assert all(len(part) <= BODY_KEPT for part in (entry._raw[1], entry._raw[3]))
    shown = entry.to_dict()
    assert shown["requestHeaders"] == {"Authorization": "Bearer ****6789"}
    assert shown["requestBody"].startswith('{"clientSecret": "****6789"') and secret not in json.dumps(shown)
    assert shown["method"] == "POST" and entry.to_dict() is shown          # masked once
