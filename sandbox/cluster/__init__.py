"""Shards: several sandbox processes behind the system's HAProxy, each world on one of them by its name."""
