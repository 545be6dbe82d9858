"""The state dir: every world saved to a file of its own, atomically, only when it changed, and restored at start;
a torn, edited or foreign file is refused with a clear message and moved aside, never half-loaded."""

import json
import logging
import os

import pytest

from sandbox.app import create_app
from sandbox.core import persist

SETTINGS = {"history_days": 0, "start_time": "2026-03-01T12:00:00Z", "frozen": True}


def _app(folder, **settings):
    app = create_app({**SETTINGS, "state_dir": str(folder), **settings})
    app.extensions["sandbox"].start()
    return app


def _stop(app):
    app.extensions["sandbox"].stop()


def _world_with_a_change(folder):
    app = _app(folder)
    client = app.test_client()
    assert client.post("/_sandbox/worlds", json={"name": "qa", "seed": 3}).status_code == 201
    assert client.post("/worlds/qa/_sandbox/clock", json={"advance": 3600}).status_code == 200
    _stop(app)
    return app


def test_worlds_come_back_with_their_settings_and_clock(tmp_path):
    _world_with_a_change(tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["default.world.json", "qa.world.json"]
    again = _app(tmp_path)
    listed = {w["name"]: w for w in again.test_client().get("/_sandbox/worlds").json}
    assert listed["qa"]["seed"] == 3 and listed["qa"]["now"] == "2026-03-01T13:00:00.000Z"
    assert listed["default"]["now"] == "2026-03-01T12:00:00.000Z"
    _stop(again)


def test_only_changed_worlds_are_written_and_deleted_ones_removed(tmp_path):
    app = _app(tmp_path)
    state = app.extensions["sandbox"].state_dir
    client = app.test_client()
    client.post("/_sandbox/worlds", json={"name": "qa"})
    assert sorted(state.save()) == ["default", "qa"]
    assert state.save() == []
    client.get("/worlds/qa/_sandbox/clock")              # a read changes nothing
    assert state.save() == []
    client.post("/worlds/qa/_sandbox/clock", json={"advance": 60})
    assert state.save() == ["qa"]
    client.delete("/_sandbox/worlds/qa")
    client.post("/_sandbox/worlds", json={"name": "qa2"})
    assert state.save() == ["qa2"]
    assert sorted(os.listdir(tmp_path)) == ["default.world.json", "qa2.world.json"]
    _stop(app)


@pytest.mark.parametrize("spoil, reason", [
    (lambda raw: raw[:len(raw) // 2], "does not match its checksum"),
    (lambda raw: raw.replace(b'"seed":3', b'"seed":4'), "does not match its checksum"),
    (lambda raw: raw.replace(b'"version": 1', b'"version": 2', 1), "state format 2"),
    (lambda raw: b"{}", "not a state file of pos-sandbox"),
    (lambda raw: persist.encode({"format": "pos-sandbox.world", "version": 1, "world": "qa",
                                 "settings": json.loads(raw.partition(b"\n")[2])["settings"],
                                 "state": {"toast": {}}}, "x"), "Not a world export"),
])
def test_a_spoiled_file_is_refused_moved_aside_and_the_rest_loads(tmp_path, caplog, spoil, reason):
    _world_with_a_change(tmp_path)
    path = tmp_path / "qa.world.json"
    path.write_bytes(spoil(path.read_bytes()))
    with caplog.at_level(logging.WARNING, "sandbox.state"):
        again = _app(tmp_path)
    assert [w["name"] for w in again.test_client().get("/_sandbox/worlds").json] == ["default"]
    assert reason in caplog.text and "moved aside" in caplog.text
    aside = [name for name in os.listdir(tmp_path) if name.startswith("qa.world.json.refused-")]
    assert len(aside) == 1 and not path.exists()
    _stop(again)


def test_a_save_cut_short_leaves_the_previous_file_whole(tmp_path, monkeypatch):
    _world_with_a_change(tmp_path)
    path = tmp_path / "qa.world.json"
    before = path.read_bytes()

    def killed(*_):
        raise OSError("killed before the rename")
    monkeypatch.setattr(persist.os, "replace", killed)
    with pytest.raises(OSError):
        persist.write_atomically(str(path), b"half a wor")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert any(name.endswith(".tmp") for name in os.listdir(tmp_path))
    again = _app(tmp_path)                  # the leftover is cleared; the world is the last whole save
    assert not any(name.endswith(".tmp") for name in os.listdir(tmp_path))
    assert "qa" in again.extensions["sandbox"].store.worlds
    _stop(again)


def test_a_state_dir_that_cannot_be_made_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = create_app({**SETTINGS, "state_dir": str(blocker / "state")})
    with pytest.raises(ValueError, match="state dir .*file/state"):
        app.extensions["sandbox"].start()


def test_a_world_of_another_shard_is_left_on_disk(tmp_path, caplog):
    """After a change in the shard count a folder may hold a world that now belongs elsewhere: it is neither loaded
    nor removed."""
    from sandbox.core.shards import shard_of
    urls = ["http://127.0.0.1:1", "http://127.0.0.1:2"]
    elsewhere = next(f"w{n}" for n in range(100) if shard_of(f"w{n}", 2) == 1)
    app = _app(tmp_path)
    app.test_client().post("/_sandbox/worlds", json={"name": elsewhere})
    _stop(app)
    with caplog.at_level(logging.WARNING, "sandbox.state"):
        shard = _app(tmp_path, shard_urls=urls, shard_index=0)
    assert elsewhere not in shard.extensions["sandbox"].store.worlds
    assert "belongs on shard 1 of 2" in caplog.text
    shard.extensions["sandbox"].state_dir.save()
    _stop(shard)
    assert (tmp_path / f"{elsewhere}.world.json").exists()


def test_a_world_that_cannot_be_saved_does_not_stop_the_others(tmp_path, monkeypatch, caplog):
    app = _app(tmp_path)
    state = app.extensions["sandbox"].state_dir
    client = app.test_client()
    for name in ("a", "b"):
        client.post("/_sandbox/worlds", json={"name": name})
    exports = app.extensions["sandbox"].exports
    real = exports.export_world

    def failing(world):
        if world.name == "a":
            raise OSError("disk full")
        return real(world)
    monkeypatch.setattr(exports, "export_world", failing)
    with caplog.at_level(logging.ERROR, "sandbox.state"):
        assert sorted(state.save()) == ["b", "default"]
    assert "saving world a" in caplog.text and not (tmp_path / "a.world.json").exists()
    monkeypatch.undo()
    assert state.save() == ["a"]            # the next pass tries again
    _stop(app)
