"""Assertions over a world's request journal: how a client under test called the platforms. Each failure says
what was expected and lists what the journal holds."""

SHOWN = 12


class JournalView:
    """The request journal of one world, through the control API."""

    def __init__(self, sandbox):
        self._sandbox = sandbox

    def entries(self, operation_id=None, status=None, method=None, path=None, restaurant=None):
        """Matching requests, oldest first (`path` may be a glob such as /orders/v2/*)."""
        params = {"operationId": operation_id, "status": status, "method": method, "path": path,
                  "restaurant": restaurant}
        return self._sandbox.call("GET", "/requests", params={k: v for k, v in params.items() if v is not None}
                                  )["requests"]

    def clear(self):
        self._sandbox.call("DELETE", "/requests")

    def assert_called(self, operation_id, times=None, status=None, **filters):
        """At least one matching call (exactly `times` when given); returns the matching entries."""
        found = self.entries(operation_id, status, **filters)
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = "at least once" if times is None else f"{times} time(s)"
            status_text = f" with status {status}" if status is not None else ""
            raise AssertionError(f"expected {operation_id} to be called {wanted}{status_text}, "
                                 f"found {len(found)}\n{self._listing()}")
        return found

    def assert_not_called(self, operation_id, **filters):
        self.assert_called(operation_id, times=0, **filters)

    def assert_sequence(self, *steps):
        """The calls happened in this order (others may come between): each step is an operationId or an
        (operationId, status) pair."""
        wanted = [step if isinstance(step, tuple) else (step, None) for step in steps]
        position = 0
        for entry in self.entries():
            operation_id, status = wanted[position]
            if entry["operationId"] == operation_id and (status is None or entry["status"] == status):
                position += 1
                if position == len(wanted):
                    return
        raise AssertionError(f"expected the sequence {_steps(wanted)}; step {position + 1} "
                             f"({_steps(wanted[position:position + 1])}) never came\n{self._listing()}")

    def assert_retried_after(self, operation_id):
        """Every answer of `operation_id` that carried Retry-After was followed by a retry no sooner than it said
        (times on the sandbox clock, so code under test may wait by advancing it)."""
        calls = self.entries(operation_id)
        waited = 0
        for earlier, later in zip(calls, calls[1:]):
            delay = _retry_after(earlier)
            if delay is None:
                continue
            if later["time"] - earlier["time"] < delay:
                raise AssertionError(f"{operation_id} was retried {later['time'] - earlier['time']:.3f} s after a "
                                     f"{earlier['status']} that said Retry-After: {delay}\n{self._listing()}")
            waited += 1
        if not waited:
            raise AssertionError(f"no {operation_id} answer with Retry-After was followed by a retry\n"
                                 f"{self._listing()}")

    def assert_stopped_after(self, operation_id, failures):
        """The client gave up: its last calls of `operation_id` are exactly `failures` identical failures in a
        row (the platform's advice to halt a request that keeps failing the same way)."""
        calls = self.entries(operation_id)
        if not calls or calls[-1]["status"] < 400:
            raise AssertionError(f"the last {operation_id} call did not fail\n{self._listing()}")
        last = calls[-1]["status"]
        streak = 0
        for entry in reversed(calls):
            if entry["status"] != last:
                break
            streak += 1
        if streak != failures:
            raise AssertionError(f"expected {operation_id} to stop after {failures} identical failures ({last}); "
                                 f"it made {streak}\n{self._listing()}")

    def _listing(self):
        entries = self.entries()
        lines = [f"  {e['method']} {e['path']} -> {e['status']} ({e['operationId']}, t={e['time']:.3f})"
                 for e in entries[-SHOWN:]]
        more = f"  ... {len(entries) - SHOWN} earlier\n" if len(entries) > SHOWN else ""
        return f"the journal ({len(entries)} requests):\n" + more + ("\n".join(lines) or "  (empty)")


def _retry_after(entry):
    headers = {name.lower(): value for name, value in entry["responseHeaders"].items()}
    value = headers.get("retry-after")
    return float(value) if value is not None else None


def _steps(steps):
    return " -> ".join(f"{op}{f' ({status})' if status else ''}" for op, status in steps)
