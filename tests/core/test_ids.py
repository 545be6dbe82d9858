"""Seeded GUIDs are RFC 4122 version-4 UUIDs, and the same ones the standard library makes from the same bits (a
seed names the same world before and after the fast formatting)."""

import random
import uuid

import pytest

from sandbox.core.ids import IdFactory


@pytest.mark.parametrize("seed", [0, 1, 42, 2**63 - 1])
def test_guids_are_the_standard_librarys_version_4_uuids_of_the_same_bits(seed):
    ours, reference = IdFactory(seed), random.Random(seed)
    for _ in range(2000):
        guid = ours.guid()
        expected = uuid.UUID(int=reference.getrandbits(128), version=4)
        assert guid == str(expected)
        parsed = uuid.UUID(guid)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
