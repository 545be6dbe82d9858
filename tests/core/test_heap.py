"""The collector policy for long-lived data (sandbox.core.heap): full passes walk only what is new, and a frozen
cycle that became garbage is reclaimed once the frozen heap has doubled."""

import gc
import sys
import weakref

import pytest

from sandbox.core import heap


class Node:
    def __init__(self):
        self.other = None


def _cycle():
    first, second = Node(), Node()
    first.other, second.other = second, first
    return first


@pytest.fixture
def policy():
    """A policy of its own, with the process's policy (if installed) stood aside meanwhile."""
    installed = heap._POLICY in gc.callbacks
    if installed:
        gc.callbacks.remove(heap._POLICY)
    gc.collect()
    yield heap._Policy()
    if installed:
        gc.callbacks.append(heap._POLICY)


def test_a_full_pass_freezes_its_survivors(policy):
    kept = [Node() for _ in range(1000)]
    before = gc.get_freeze_count()
    policy("stop", {"generation": 2})
    assert gc.get_freeze_count() >= before + len(kept)
    policy("stop", {"generation": 1})            # younger passes leave the frozen heap alone
    assert gc.get_freeze_count() >= before + len(kept)


def test_a_frozen_cycle_stays_until_the_heap_doubles_then_a_complete_pass_frees_it(policy):
    policy.small_heap = 0
    node = _cycle()
    gone = weakref.ref(node)
    policy("stop", {"generation": 2})
    policy.after_complete = sys.getallocatedblocks()
    del node
    gc.collect()
    assert gone() is not None                    # frozen: no pass walks it
    policy("start", {"generation": 2})           # not doubled: the pass stays partial
    assert not policy.completing and gc.get_freeze_count() > 0
    grown = [Node() for _ in range(policy.after_complete + 10)]     # the heap doubles
    policy("start", {"generation": 2})           # so this pass unfreezes and walks everything
    assert policy.completing and gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None and len(grown) > 0


def test_the_policy_is_installed_once_per_process(pos_sandbox_app):
    heap.install()
    heap.install()
    assert gc.callbacks.count(heap._POLICY) == 1
