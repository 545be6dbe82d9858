"""The journal keeps the first few kilobytes of each body with secrets masked, reading no more of the body than that."""

import json
import random
import re

import pytest

from sandbox.core.journal import BODY_KEPT, mask, mask_body

# The whole-body rule the journal keeps to: mask every secret field of the body, then cut.
_WHOLE = re.compile(r'("(?:clientSecret|accessToken|secret|refreshToken|idToken|key)"\s*:\s*")([^"]*)(")')


def _masked_then_cut(raw):
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return _WHOLE.sub(lambda m: m.group(1) + mask(m.group(2)) + m.group(3), text)[:BODY_KEPT]


def _body(rng):
    """A JSON-ish body: filler (some of it multi-byte), secret fields of every length, odd spacing, unclosed ends."""
    parts = []
    for _ in range(rng.randint(0, 40)):
        kind = rng.random()
        if kind < 0.3:
            name = rng.choice(["clientSecret", "accessToken", "secret", "refreshToken", "idToken", "key"])
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
def test_the_kept_text_is_the_masked_body_cut(seed):
    body = _body(random.Random(seed))
    assert mask_body(body.encode()) == _masked_then_cut(body.encode())
    assert mask_body(body) == _masked_then_cut(body)


def test_a_large_response_keeps_its_start_with_its_secrets_masked():
    body = json.dumps([{"accessToken": "A" * 30 + "tail", "rest": "z" * 600} for _ in range(2000)]).encode()
    kept = mask_body(body)
    assert len(kept) == BODY_KEPT and "A" * 5 not in kept and kept.count("****tail") >= 5


def test_a_secret_longer_than_what_is_read_does_not_show():
    body = b'{"note": "' + b"n" * (BODY_KEPT - 40) + b'", "secret": "' + b"S" * (20 * BODY_KEPT) + b'"}'
    kept = mask_body(body)
    assert "S" not in kept and kept.endswith('"secret": "****')


def test_nothing_and_short_bodies():
    assert mask_body(b"") == mask_body(None) == ""
    assert mask_body(b'{"clientSecret":"abcdefghij"}') == '{"clientSecret":"****ghij"}'
