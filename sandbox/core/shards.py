"""Which shard holds a world: its name's CRC-32 picks one of 1,024 buckets, and each bucket belongs to the shard
that rendezvous hashing gives it. HAProxy computes the same (`crc32,mod(1024),map_int(buckets.map)`), so a name
always reaches one shard, and going from N to N+1 shards moves about 1/(N+1) of the buckets."""

import functools
import hashlib
import zlib

BUCKETS = 1024
DEFAULT_WORLD = "default"


def bucket(name):
    """The bucket of a world's name (HAProxy's `crc32` converter is zlib's CRC-32)."""
    return zlib.crc32((name or DEFAULT_WORLD).encode()) % BUCKETS


@functools.lru_cache(maxsize=8)
def bucket_owners(count):
    """The shard of every bucket among `count` shards (highest random weight: stable as shards are added)."""
    return tuple(max(range(count), key=lambda shard: _weight(number, shard)) for number in range(BUCKETS))


def _weight(number, shard):
    return hashlib.blake2b(f"{number}/{shard}".encode(), digest_size=8).digest()


def shard_of(name, count):
    """The shard (0-based) that holds world `name` among `count` shards."""
    return bucket_owners(count)[bucket(name)] if count > 1 else 0


def bucket_map(count):
    """The bucket -> shard map file HAProxy's `map_int` reads."""
    return "".join(f"{number} {owner}\n" for number, owner in enumerate(bucket_owners(count)))


def holds(config, name):
    """Whether this process holds world `name`: always when it is not one of several shards. Every shard keeps a
    `default` world for calls that name none (health checks, creating a world), but only its own shard lists
    and saves it."""
    return not config.shard_urls or shard_of(name, len(config.shard_urls)) == config.shard_index
