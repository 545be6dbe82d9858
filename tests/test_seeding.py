"""Seeding: the same seed and start time give the same world, byte for byte; a different seed does not."""

import json
import subprocess
import sys

from sandbox.app import Sandbox
from sandbox.config import load_config
from sandbox.core.store import export_world

START = "2026-03-01T12:00:00Z"


def _world(seed, start=START):
    sandbox = Sandbox(load_config({"seed": seed, "start_time": start}, environ={}))
    return json.dumps(export_world(sandbox.store.get(None)), sort_keys=True)


def test_same_seed_same_world():
    assert _world(3) == _world(3)


def test_other_seed_other_world():
    assert _world(3) != _world(4)


def test_start_time_moves_the_history():
    assert _world(3) != _world(3, "2026-04-01T12:00:00Z")


def test_default_world_shape():
    world = json.loads(_world(1))["state"]["toast"]
    assert len(world["restaurants"]) == 3 and len(world["groups"]) == 2
    assert len(world["clients"]) == 4
    assert all(len(staff) == 6 for staff in world["employees"].values())
    assert all(len(guests) == 60 for guests in world["guests"].values())


def test_seed_command_prints_the_same_bytes_twice():
    command = [sys.executable, "-m", "sandbox", "seed", "--seed", "5", "--start-time", START]
    first = subprocess.run(command, capture_output=True, check=True, timeout=60).stdout
    second = subprocess.run(command, capture_output=True, check=True, timeout=60).stdout
    assert first == second
    assert json.loads(first)["seed"] == 5
