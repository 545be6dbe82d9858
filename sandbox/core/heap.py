"""The garbage collector and the sandbox's long-lived data: full passes that do not grow with the data kept.

CPython's collector walks every tracked object on a full pass. A world that keeps 50,000 orders holds millions of
them, and such a pass takes most of a second while every request waits. So after each full pass the survivors are
frozen (`gc.freeze`: out of the collector's sight) and the next pass walks only what was made since. A frozen
object that later becomes part of a garbage cycle would stay; so once the heap has doubled since the last complete
pass, the next full pass unfreezes first and walks everything. Complete passes thus get rarer as the data grows,
and their cost is spread over the doubling. The heap is measured in allocated memory blocks
(`sys.getallocatedblocks`, microseconds); counting the frozen objects would walk them all. Objects freed by
reference counting (most of what the sandbox drops, a deleted world included) are freed at once, frozen or not."""

import gc
import sys
import threading

# Below this many allocated blocks (a fresh sandbox has about half) a complete pass is cheap: no need to wait for a
# doubling.
SMALL_HEAP = 1_000_000
_installed = threading.Lock()


class _Policy:
    def __init__(self, small_heap=SMALL_HEAP):
        self.small_heap = small_heap
        self.after_complete = sys.getallocatedblocks()
        self.completing = False

    def __call__(self, phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            if sys.getallocatedblocks() > max(2 * self.after_complete, self.small_heap):
                gc.unfreeze()           # this pass walks everything
                self.completing = True
            return
        gc.freeze()
        if self.completing:
            self.after_complete, self.completing = sys.getallocatedblocks(), False


_POLICY = _Policy()


def install():
    """Put the policy in place for this process (once)."""
    with _installed:
        if _POLICY not in gc.callbacks:
            gc.callbacks.append(_POLICY)
