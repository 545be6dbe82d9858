"""The clock (frozen, advanced, set, reset) and configuration precedence."""

from datetime import datetime, timezone

import pytest

from sandbox.config import load_config
from sandbox.core.clock import Clock, parse_instant

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


class FakeWall:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_running_clock_follows_the_wall_from_its_start():
    wall = FakeWall()
    clock = Clock(START, wall=wall)
    wall.now += 5
    assert clock.timestamp() == START.timestamp() + 5


def test_frozen_clock_moves_only_when_told():
    wall = FakeWall()
    clock = Clock(START, frozen=True, wall=wall)
    wall.now += 100
    assert clock.now() == START
    clock.advance(30)
    assert clock.timestamp() == START.timestamp() + 30
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_set_freeze_reset_and_listeners():
    wall = FakeWall()
    heard = []
    clock = Clock(START, frozen=True, wall=wall)
    clock.subscribe(lambda: heard.append(clock.timestamp()))
    clock.set(parse_instant("2026-06-01T00:00:00.000+0000"))
    clock.freeze(False)
    wall.now += 10
    assert clock.timestamp() == parse_instant("2026-06-01T00:00:10Z").timestamp()
    clock.reset()
    assert clock.now() == START and clock.frozen
    assert len(heard) == 3


def test_config_precedence(tmp_path):
    config_file = tmp_path / "sandbox.yaml"
    config_file.write_text("port: 9001\nseed: 4\nthreads: 3\n")
    config = load_config({"port": 9003, "config": str(config_file)},
                         environ={"SANDBOX_PORT": "9002", "SANDBOX_SEED": "5"})
    assert (config.port, config.seed, config.threads) == (9003, 5, 3)


@pytest.mark.parametrize("overrides", [{"port": "eighty"}, {"start_time": "soon"}, {"threads": 0},
                                       {"log_level": "loud"}])
def test_bad_settings_name_the_setting(overrides):
    with pytest.raises(ValueError) as raised:
        load_config(overrides, environ={})
    assert next(iter(overrides)) in str(raised.value)


@pytest.mark.parametrize("change", [lambda c: c.advance(10 ** 12),
                                    lambda c: c.set(parse_instant("0001-01-01T00:00:00Z")),
                                    lambda c: c.set(parse_instant("9999-01-01T00:00:00Z"))])
def test_clock_refuses_instants_out_of_range(change):
    clock = Clock(START, frozen=True, wall=FakeWall())
    with pytest.raises(ValueError, match="between 1971 and 9000"):
        change(clock)
    assert clock.now() == START
