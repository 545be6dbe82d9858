"""Failure scenarios as data: rules that match requests and answer with a fault, with a times budget, a seeded
probability, an `after` allowance, a window on the sandbox clock and opening hours. Presets live in
fixtures/scenarios/*.yaml."""

import fnmatch
import itertools
import random
import threading
from dataclasses import dataclass
from datetime import datetime, time
from importlib import resources
from zoneinfo import ZoneInfo

from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, Conflict, NotFound
from sandbox.core.openapi import load_yaml
from sandbox.core.rule_checks import check_rule

MAX_RULES = 1000            # active rules in one world
TOO_MANY_RULES = "A world holds at most {limit} active scenario rules; remove some first"


@dataclass
class Rule:
    id: str
    match: dict
    fault: dict
    times: int = None               # fire this many times, then retire (None: no limit)
    probability: float = None       # fire on this share of matching calls (seeded)
    after: int = 0                  # let this many matching calls through first
    window: tuple = None            # (start, end) epoch seconds on the sandbox clock
    hours: dict = None              # {"timeZone", "open": "09:00", "close": "18:00"}: fire outside these hours
    preset: str = None
    seen: int = 0
    fired: int = 0

    def to_dict(self):
        return {"id": self.id, "match": self.match, "fault": self.fault, "times": self.times,
                "probability": self.probability, "after": self.after,
                "window": {"start": self.window[0], "end": self.window[1]} if self.window else None,
                "hours": self.hours, "preset": self.preset, "seen": self.seen, "fired": self.fired}


@dataclass
class Request:
    """What a rule can match on."""

    provider: str
    api: str
    operation_id: str
    method: str
    path: str
    restaurant: str = None
    client: str = None
    key: str = None

    def field(self, name):
        return {"provider": self.provider, "api": self.api, "operationId": self.operation_id,
                "method": self.method, "path": self.path, "restaurant": self.restaurant, "client": self.client,
                "key": self.key}[name]


def preset_names():
    folder = resources.files("sandbox").joinpath("fixtures", "scenarios")
    return sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def load_preset(name):
    """A preset's document: `description`, `rules` and optional `effects`."""
    if name not in preset_names():
        raise NotFound(f"No scenario preset {name}; presets: {', '.join(preset_names())}")
    text = resources.files("sandbox").joinpath("fixtures", "scenarios", f"{name}.yaml").read_text(encoding="utf-8")
    return load_yaml(text)


def _window(raw, now):
    """(start, end) epoch seconds from absolute ISO instants or, in presets, `startIn`/`duration` seconds."""
    if raw is None:
        return None
    if "startIn" in raw or "duration" in raw:
        start = now + raw.get("startIn", 0)
        return start, start + raw["duration"]
    try:
        start = parse_instant(raw["start"]).timestamp() if raw.get("start") else float("-inf")
        end = parse_instant(raw["end"]).timestamp() if raw.get("end") else float("inf")
    except ValueError as exc:
        raise BadRequest(f"window: {exc}", field="window") from exc
    return start, end


def _outside_hours(hours, now):
    local = datetime.fromtimestamp(now, ZoneInfo(hours["timeZone"])).time()
    return not time.fromisoformat(hours["open"]) <= local < time.fromisoformat(hours["close"])


class Scenarios:
    """The active rules of one sandbox, their counters and the seeded random source for probabilities."""

    def __init__(self, clock, seed):
        self._clock = clock
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.rules = {}

    def add(self, raw, preset=None):
        """Activate one rule (a dict as the control API takes it); returns the Rule."""
        check_rule(raw)
        rule = Rule(f"sc-{next(self._ids)}", dict(raw.get("match", {})), dict(raw["fault"]), raw.get("times"),
                    raw.get("probability"), raw.get("after", 0), _window(raw.get("window"),
                                                                          self._clock.timestamp()),
                    raw.get("hours"), preset)
        with self._lock:
            if len(self.rules) >= MAX_RULES:
                raise Conflict(TOO_MANY_RULES.format(limit=MAX_RULES))
            self.rules[rule.id] = rule
        return rule

    def add_preset(self, name, times=None):
        """Activate every rule of a preset (`times` overrides each rule's budget); returns (rules, effects)."""
        document = load_preset(name)
        rules = [self.add({**raw, **({"times": times} if times else {})}, preset=name)
                 for raw in document.get("rules", [])]
        return rules, document.get("effects", [])

    def remove(self, rule_id):
        with self._lock:
            if self.rules.pop(rule_id, None) is None:
                raise NotFound(f"No active scenario {rule_id}")

    def clear(self):
        with self._lock:
            self.rules.clear()

    def _matches(self, rule, request):
        """Every named field matches (a list means any of its values; `path` values are globs)."""
        for name, wanted in rule.match.items():
            value = request.field(name)
            if value is None:
                return False
            options = wanted if isinstance(wanted, list) else [wanted]
            if name == "path":
                if not any(fnmatch.fnmatchcase(value, option) for option in options):
                    return False
            elif str(value).lower() not in {str(option).lower() for option in options}:
                return False
        return True

    def fire(self, request, extra_rules=()):
        """The rule that answers this request, if any (counters move); `extra_rules` are one-call presets."""
        now = self._clock.timestamp()
        with self._lock:
            for rule in list(self.rules.values()) + list(extra_rules):
                if not self._matches(rule, request):
                    continue
                if rule.window and not rule.window[0] <= now < rule.window[1]:
                    continue
                if rule.hours and not _outside_hours(rule.hours, now):
                    continue
                rule.seen += 1
                if rule.seen <= rule.after:
                    continue
                if rule.probability is not None and self._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.times is not None and rule.fired >= rule.times:
                    self.rules.pop(rule.id, None)
                return rule
        return None

    def one_call_rules(self, name):
        """A preset's rules, unregistered, for one request's `X-Sandbox-Scenario` header."""
        document = load_preset(name)
        return [Rule(f"{name}-{n}", raw.get("match", {}), raw["fault"], None, raw.get("probability"), 0,
                     _window(raw.get("window"), self._clock.timestamp()), raw.get("hours"), name)
                for n, raw in enumerate(document.get("rules", []))]

    def latency(self, fault):
        """Seconds of added latency for a fault (fixed, or drawn within bounds from the seeded source)."""
        value = fault.get("latencyMs", 0)
        if isinstance(value, list):
            with self._lock:
                value = self._random.uniform(value[0], value[1])
        return value / 1000
