"""The /_sandbox control API: reset, worlds, snapshots, clock, credentials, connections and coverage."""
