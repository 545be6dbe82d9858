"""Control calls that span worlds on a sharded sandbox (list worlds, metrics): this shard's answer with the other
shards', asked side by side; and the rule that a world is created only on the shard its name hashes to."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry
from prometheus_client.exposition import generate_latest

from sandbox.core.errors import Conflict
from sandbox.core.guard import TOKEN_HEADER
from sandbox.core.shards import holds, shard_of

SCOPE_HEADER = "X-Sandbox-Scope"            # `local`: this shard's own answer (what shards ask each other)
UNREACHABLE_HEADER = "X-Sandbox-Unreachable-Shards"
ASK_TIMEOUT = 3.0
WRONG_SHARD = ("World {name} belongs on shard {owner} ({url}), not on this one (shard {index}): create it through "
               "the proxy, which sends every world to its shard")


def index(sandbox):
    """This process's shard number, or None when it is not one of several."""
    return sandbox.config.shard_index if sandbox.config.shard_urls else None


def check_owner(sandbox, name):
    """409 when world `name` belongs on another shard (names are unique across shards by construction)."""
    urls = sandbox.config.shard_urls
    if not holds(sandbox.config, name):
        owner = shard_of(name, len(urls))
        raise Conflict(WRONG_SHARD.format(name=name, owner=owner, url=urls[owner], index=index(sandbox)),
                       field="name")


def others(ctx):
    """The other shards (number, URL) this request's answer gathers from (none for a shard-local request)."""
    mine = index(ctx.sandbox)
    if mine is None or ctx.request.headers.get(SCOPE_HEADER) == "local":
        return []
    return [(number, url) for number, url in enumerate(ctx.sandbox.config.shard_urls) if number != mine]


def gather(ctx, path):
    """{shard number: body bytes, or None when it did not answer} of GET /_sandbox{path} on the other shards."""
    peers = others(ctx)
    if not peers:
        return {}
    headers = {SCOPE_HEADER: "local", "Host": ctx.request.host}
    if ctx.sandbox.config.admin_token:
        headers[TOKEN_HEADER] = ctx.sandbox.config.admin_token

    def ask(url):
        try:
            request = urllib.request.Request(f"{url}/_sandbox{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=ASK_TIMEOUT) as answer:
                return answer.read()
        except OSError:
            return None
    with ThreadPoolExecutor(len(peers)) as pool:
        answers = pool.map(ask, [url for _, url in peers])
        return dict(zip([number for number, _ in peers], answers))


def unreachable(answers):
    """The header naming shards that did not answer, or none."""
    down = sorted(number for number, body in answers.items() if body is None)
    return [(UNREACHABLE_HEADER, ",".join(map(str, down)))] if down else []


def all_worlds(ctx, local_views):
    """Every shard's worlds (local ones first, then by shard), and the header naming shards that did not answer."""
    answers = gather(ctx, "/worlds")
    views = list(local_views)
    for number in sorted(answers):
        if answers[number] is not None:
            views += json.loads(answers[number])
    return views, unreachable(answers)


def all_metrics(ctx, local_text):
    """Every shard's metrics in one exposition, each sample labelled with its shard; (bytes, extra headers)."""
    answers = gather(ctx, "/metrics")
    if not answers:
        return local_text, []
    texts = {index(ctx.sandbox): local_text, **{n: body for n, body in answers.items() if body is not None}}
    merged = {}
    for number in sorted(texts):
        for family in text_string_to_metric_families(texts[number].decode()):
            samples = [sample._replace(labels={**sample.labels, "shard": str(number)}) for sample in family.samples]
            if family.name in merged:
                merged[family.name].samples.extend(samples)
            else:
                family.samples = samples
                merged[family.name] = family
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Fixed(list(merged.values())))
    return generate_latest(registry), unreachable(answers)


class _Fixed:
    """A collector that yields metric families already gathered."""

    def __init__(self, families):
        self.families = families

    def collect(self):
        return self.families
