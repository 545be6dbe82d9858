"""Seeded factories for GUIDs, secrets, keys and numbers, so a seed always gives the same world."""

import random
import string
import uuid

_ALPHANUMERIC = string.ascii_letters + string.digits


class IdFactory:
    """One seeded random source for every identifier the sandbox makes."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def guid(self):
        """A version-4 UUID string drawn from the seeded source."""
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def token(self, length, alphabet=_ALPHANUMERIC):
        """A random string of `length` characters."""
        return "".join(self.random.choice(alphabet) for _ in range(length))

    def prefixed(self, prefix, length=20):
        """An id such as `ord_3kd9...`."""
        return f"{prefix}_{self.token(length, string.ascii_lowercase + string.digits)}"
