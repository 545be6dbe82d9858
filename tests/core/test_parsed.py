"""The per-machine cache of parsed specs: the same values as parsing, and the same seeded world byte for byte."""

import os
import subprocess
import sys
from importlib import resources

import pytest

from sandbox.core import parsed
from sandbox.core.openapi import load_yaml

SPECS = sorted(p.name for p in resources.files("sandbox").joinpath("specs").iterdir() if p.name.endswith(".yaml"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "pos-sandbox" / "parsed"


@pytest.mark.parametrize("name", SPECS)
def test_a_cached_spec_is_the_parsed_spec(cache, name):
    text = resources.files("sandbox").joinpath("specs", name).read_text(encoding="utf-8")
    fresh = load_yaml(text)
    assert parsed.parse(text, load_yaml) == fresh
    assert parsed.cache_path(text).exists()
    again = parsed.parse(text, lambda _: pytest.fail("parsed again instead of read from the cache"))
    assert again == fresh and repr(again) == repr(fresh)      # same keys in the same order, ints stay ints


def test_a_changed_text_is_parsed_anew(cache):
    assert parsed.parse("a: 1\n", load_yaml) == {"a": 1}
    assert parsed.parse("a: 2\n", load_yaml) == {"a": 2}
    assert len(list(cache.iterdir())) == 2


def test_an_unusable_cache_is_passed_over(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert parsed.parse("b: [1, 2]\n", load_yaml) == {"b": [1, 2]}
    corrupt = tmp_path / "ok"
    monkeypatch.setenv("XDG_CACHE_HOME", str(corrupt))
    parsed.cache_path("c: 3\n").parent.mkdir(parents=True)
    parsed.cache_path("c: 3\n").write_bytes(b"\x00garbage")
    assert parsed.parse("c: 3\n", load_yaml) == {"c": 3}


def test_the_seeded_world_is_the_same_byte_for_byte_with_or_without_the_cache(tmp_path):
    def seeded(cache_home):
        result = subprocess.run([sys.executable, "-m", "sandbox", "seed", "--seed", "5", "--start-time",
                                 "2026-03-01T12:00:00Z", "--history-days", "3"], capture_output=True, timeout=120,
                                env={**os.environ, "XDG_CACHE_HOME": str(cache_home)})
        assert result.returncode == 0, result.stderr
        return result.stdout
    (tmp_path / "blocked").write_text("no cache here")
    without = seeded(tmp_path / "blocked")
    cold = seeded(tmp_path / "cache")
    # Every API document is parsed at start (the index of published operations only when a path is unknown).
    assert len(list((tmp_path / "cache" / "pos-sandbox" / "parsed").iterdir())) == len(SPECS) - 1
    warm = seeded(tmp_path / "cache")
    assert without == cold == warm
