"""`pos-sandbox serve --shards N`: N sandbox processes on the next ports, HAProxy in front on the given one;
a shard that dies is started again (its worlds come back from the state dir), and a stop stops them all."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace

from sandbox.cluster import haproxy
from sandbox.server import check_port_free

NO_HAPROXY = ("--shards needs HAProxy, which is not installed: install the Debian package haproxy "
              "(apt-get install haproxy) or put `haproxy` on PATH")
RESTART_DELAY = 1.0        # doubled for each start that did not last QUICK_EXIT seconds, up to RESTART_MAX
RESTART_MAX = 30.0
QUICK_EXIT = 10.0
READY_WITHIN = 90.0
STOP_WITHIN = 20.0


def child_argv(argv, port, state_dir):
    """The command line of one shard: the same `serve` (and server) options, on its own port, one process."""
    args, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--shards", "--port", "--host", "--state-dir"):
            skip = True
        elif not arg.startswith(("--shards=", "--port=", "--host=", "--state-dir=")):
            args.append(arg)
    args += ["--shards", "1", "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    if state_dir:
        args += ["--state-dir", state_dir]
    return [sys.executable, "-m", "sandbox", *args]


def free_port_run(count, host="127.0.0.1"):
    """A free port followed by `count` free ones (`--port 0` with `--shards`: the proxy's and its shards')."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind((host, 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count + 1):
                check_port_free(host, port)
            return first
        except ValueError:
            continue
    raise ValueError(f"found no {count + 1} free ports in a row on {host}")


class Stopped(Exception):
    """Asked to stop while starting."""


def wait_healthy(url, process, what, deadline, stopping=()):
    """Until `url` answers its health check; ValueError when `process` exits or the deadline passes, Stopped when
    `stopping` fills."""
    while time.monotonic() < deadline:
        if stopping:
            raise Stopped
        if process.poll() is not None:
            raise ValueError(f"{what} exited with status {process.returncode} at start")
        try:
            with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise ValueError(f"{what} did not answer its health check within {READY_WITHIN:.0f} s")


class Shard:
    """One sandbox process of the set (its own session, so a signal to its group reaches its server's workers)."""

    def __init__(self, index, port, argv, env):
        self.index, self.port, self.argv, self.env = index, port, argv, env
        self.url = f"http://127.0.0.1:{port}"
        self.process = None
        self.started = self.due = None
        self.failures = 0

    def start(self):
        self.process = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
        self.started, self.due = time.monotonic(), None
        print(f"  shard {self.index}  {self.url}  pid {self.process.pid}", flush=True)

    def signal(self, number):
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, number)
            except ProcessLookupError:
                pass


def serve_shards(config, argv):
    """Run the shards and HAProxy until interrupted; returns the exit status."""
    binary = shutil.which("haproxy")
    if binary is None:
        raise ValueError(NO_HAPROXY)
    if not config.port:
        config = replace(config, port=free_port_run(config.shards))
    ports = [config.port + 1 + index for index in range(config.shards)]
    for port in [config.port, *ports]:
        check_port_free("127.0.0.1" if port != config.port else config.host, port)
    urls = ",".join(f"http://127.0.0.1:{port}" for port in ports)
    shards = []
    for index, port in enumerate(ports):
        env = {**os.environ, "SANDBOX_SHARD_INDEX": str(index), "SANDBOX_SHARD_URLS": urls}
        env.pop("SANDBOX_SHARDS", None)
        state_dir = os.path.join(config.state_dir, f"shard-{index}") if config.state_dir else None
        shards.append(Shard(index, port, child_argv(argv, port, state_dir), env))
    with tempfile.TemporaryDirectory(prefix="pos-sandbox-haproxy-") as folder:
        host = f"[{config.host}]" if ":" in config.host else config.host
        haproxy.write(folder, haproxy.render([f"127.0.0.1:{port}" for port in ports], f"{host}:{config.port}",
                                             folder))
        checked = subprocess.run([binary, "-c", "-q", "-f", f"{folder}/haproxy.cfg"], capture_output=True,
                                 text=True, check=False)
        if checked.returncode != 0:
            raise ValueError(f"HAProxy refused the generated configuration: {checked.stderr.strip()}")
        return _run(config, binary, folder, shards)


def _run(config, binary, folder, shards):
    stopping = []
    previous = {number: signal.signal(number, lambda *_: stopping.append(True))
                for number in (signal.SIGTERM, signal.SIGINT)}
    proxy = None
    try:
        print(f"pos-sandbox is starting {len(shards)} shards behind HAProxy", flush=True)
        for shard in shards:
            shard.start()
        deadline = time.monotonic() + READY_WITHIN
        for shard in shards:
            wait_healthy(shard.url, shard.process, f"shard {shard.index}", deadline, stopping)
        proxy = subprocess.Popen([binary, "-db", "-f", f"{folder}/haproxy.cfg"], start_new_session=True)
        base = f"http://{config.host}:{config.port}"
        wait_healthy(f"http://127.0.0.1:{config.port}" if config.host in ("0.0.0.0", "::") else base, proxy,
                     "HAProxy", deadline, stopping)
        print(f"pos-sandbox is ready at {base}  ({len(shards)} shards behind HAProxy, pid {proxy.pid}; "
              f"state dir {config.state_dir or 'none'})\n  console  {base}/_sandbox/console", flush=True)
        return _watch(shards, proxy, stopping)
    except Stopped:
        return 0
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _stop(shards, proxy)


def _watch(shards, proxy, stopping):
    """Start a shard again when it dies; return when asked to stop (0) or when HAProxy exits (1)."""
    while not stopping:
        if proxy.poll() is not None:
            print(f"pos-sandbox: HAProxy exited with status {proxy.returncode}; stopping the shards",
                  file=sys.stderr, flush=True)
            return 1
        now = time.monotonic()
        for shard in shards:
            if shard.process.poll() is None:
                continue
            if shard.due is None:       # just died: start it again soon, later if it keeps dying at once
                shard.failures = shard.failures + 1 if now - shard.started < QUICK_EXIT else 1
                delay = min(RESTART_MAX, RESTART_DELAY * 2 ** (shard.failures - 1))
                shard.due = now + delay
                print(f"pos-sandbox: shard {shard.index} exited with status {shard.process.returncode}; "
                      f"starting it again in {delay:.0f} s", file=sys.stderr, flush=True)
            elif now >= shard.due:
                shard.start()
        time.sleep(0.2)
    return 0


def _stop(shards, proxy):
    """SIGTERM to every shard (each saves its worlds) and then to HAProxy; SIGKILL what outlives the wait."""
    for shard in shards:
        shard.signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_WITHIN
    for shard in shards:
        if shard.process is not None:
            try:
                shard.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                shard.signal(signal.SIGKILL)
    if proxy is not None and proxy.poll() is None:
        proxy.terminate()
        try:
            proxy.wait(5)
        except subprocess.TimeoutExpired:
            proxy.kill()
