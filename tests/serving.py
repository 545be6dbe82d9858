"""Run the real command (`python -m sandbox ...`) from tests: one-shot, or a served sandbox whose output is kept."""

import os
import queue
import socket
import subprocess
import sys
import threading
import time

START_SECONDS = 30


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*args, env=None, timeout=60):
    """`python -m sandbox ARGS` to completion (CompletedProcess with text stdout and stderr)."""
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


class Served:
    """`python -m sandbox serve ARGS` on a free port; every output line is kept in `.lines` as it comes."""

    def __init__(self, *args, server="granian", scheme="http", env=None):
        self.port = free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.lines = []
        self._arrived = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve", "--server", server, "--port", str(self.port), "--history-days",
             "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        threading.Thread(target=self._read, daemon=True).start()
        self.banner = self.wait_for("ready at" if "--quiet" in args else "  console  ")

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._arrived.put(line)

    def wait_for(self, text, seconds=START_SECONDS):
        """Everything printed up to the first line containing `text` (fails the test when it never comes)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return "\n".join(self.lines)
            try:
                self._arrived.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        raise AssertionError(f"no line with {text!r}; output:\n" + "\n".join(self.lines))

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
