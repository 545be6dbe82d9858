"""Pools of fake people and places, drawn once per seed from Faker and then composed with the world's random."""

import functools

from faker import Faker

POOL_SIZE = 150


@functools.lru_cache(maxsize=8)
def pools(seed):
    """Names, streets, cities and email domains for a seed (Faker is slow; this runs once per seed)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return {
        "first_names": tuple(fake.first_name() for _ in range(POOL_SIZE)),
        "last_names": tuple(fake.last_name() for _ in range(POOL_SIZE)),
        "streets": tuple(fake.street_address() for _ in range(POOL_SIZE)),
        "domains": tuple(fake.free_email_domain() for _ in range(10)),
    }


class People:
    """Makes people from the pools with a world's seeded random source."""

    def __init__(self, seed, rng):
        self._pools = pools(seed)
        self._rng = rng

    def person(self):
        """A dict with first/last name, email and a US phone number."""
        first = self._rng.choice(self._pools["first_names"])
        last = self._rng.choice(self._pools["last_names"])
        number = self._rng.randrange(2000000, 9999999)
        email = f"{first}.{last}{self._rng.randrange(100)}@{self._rng.choice(self._pools['domains'])}".lower()
        return {"firstName": first, "lastName": last, "email": email,
                "phone": f"{self._rng.choice((617, 857, 415, 628, 510))}{number}"}

    def street(self):
        return self._rng.choice(self._pools["streets"])
