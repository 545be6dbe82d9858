"""Seeded factories for GUIDs, secrets, keys and numbers, so a seed always gives the same world."""

import random
import string

_ALPHANUMERIC = string.ascii_letters + string.digits
# RFC 4122 version 4: the version nibble is 4 and the variant bits are 10.
_CLEARED = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4 = (4 << 76) | (0x8000 << 48)


class IdFactory:
    """One seeded random source for every identifier the sandbox makes."""

    def __init__(self, seed):
        self.random = random.Random(seed)

    def guid(self):
        """A version-4 UUID string drawn from the seeded source (what `str(uuid.UUID(int=bits, version=4))` gives,
        formatted directly: seeding a world draws hundreds of thousands)."""
        bits = self.random.getrandbits(128) & _CLEARED | _VERSION_4
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def token(self, length, alphabet=_ALPHANUMERIC):
        """A random string of `length` characters."""
        return "".join(self.random.choice(alphabet) for _ in range(length))

    def prefixed(self, prefix, length=20):
        """An id such as `ord_3kd9...`."""
        return f"{prefix}_{self.token(length, string.ascii_lowercase + string.digits)}"
