"""The docs stay true: the site builds in strict mode with every generated table, and every bash and python example
of the site and the README runs against a real `pos-sandbox serve` (pages added later are picked up by themselves)."""

import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import requests

from helpers import PARTNER, served_sandbox
from sandbox import reference
from sandbox.config import Config

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("docs/**/*.md")) + [ROOT / "README.md"]
# A fence, with the `<!-- docs-test: ... -->` line before it when there is one; fences may be indented (in lists).
FENCE = re.compile(r"^(?:[ \t]*<!-- docs-test: (?P<how>[^\n]*?) -->\n)?(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n"
                   r"(?P<code>.*?)^(?P=indent)```[ \t]*$", re.MULTILINE | re.DOTALL)
SHELLS, PYTHONS = {"bash", "sh", "shell"}, {"python", "py"}
SERVED = re.compile(r"(?:https?://)?(?:localhost|127\.0\.0\.1):8080")
# What every page's script starts with: what a reader has after Getting started, and the CLI pointed at this sandbox.
PRELUDE = """set -euo pipefail
pos-sandbox() {
  case "${1:-}" in
    trigger|scenario|snapshot|health) "$PYTHON" -m sandbox "$@" --url "$BASE" ;;
    *) "$PYTHON" -m sandbox "$@" ;;
  esac
}
"""


def examples(page):
    """(language, directive, code) of every fenced block of a page, in order."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        indent = len(match.group("indent"))
        code = "".join(line[indent:] for line in match.group("code").splitlines(keepends=True))
        found.append((match.group("lang"), match.group("how"), code))
    return found


def _runnable(page):
    return [(lang, how, code) for lang, how, code in examples(page)
            if lang in SHELLS | PYTHONS and not (how or "").startswith("skip")]


def script(page, base):
    """One bash script running the page's examples in order, as a reader would paste them."""
    parts = [PRELUDE]
    for number, (lang, how, code) in enumerate(_runnable(page)):
        code = SERVED.sub(base, code)
        if lang in SHELLS:
            parts.append(code)
        elif how == "pytest":
            parts.append(f"cat > test_example_{number}.py <<'DOCS_EXAMPLE'\n{code}DOCS_EXAMPLE\n"
                         f'"$PYTHON" -m pytest -q -p no:cacheprovider test_example_{number}.py\n')
        else:
            parts.append(f"\"$PYTHON\" - <<'DOCS_EXAMPLE'\n{code}DOCS_EXAMPLE\n")
    return "".join(parts)


def _name(page):
    return str(page.relative_to(ROOT))


def test_every_directive_is_known_and_skips_say_why():
    for page in PAGES:
        for lang, how, _ in examples(page):
            if how is None:
                continue
            assert how == "pytest" and lang in PYTHONS or re.fullmatch(r"skip \(.+\)", how), (
                f"{_name(page)}: `<!-- docs-test: {how} -->`: say `skip (why)`, or `pytest` before a python block")


def test_the_readme_fits_on_a_screen_and_a_half_and_keeps_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 70
    codes = [code for _, _, code in examples(ROOT / "README.md")]
    assert "pip install . && pos-sandbox serve\n" in codes and "bash .ci/run\n" in codes
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).is_file(), link


@pytest.fixture(scope="module")
def served():
    with served_sandbox("--quiet") as (base, _):
        yield base


def run_page(page, base, folder):
    """The page's examples against the sandbox at `base`, from its default world as new."""
    assert requests.post(f"{base}/_sandbox/reset", timeout=10).status_code == 200
    login = requests.post(f"{base}/authentication/v1/authentication/login", timeout=10,
                          json={**{k: PARTNER[k] for k in ("clientId", "clientSecret")},
                                "userAccessType": "TOAST_MACHINE_CLIENT"})
    # `python`, `pytest` and `pos-sandbox` are this virtualenv's, as for a reader who installed the package.
    environment = {**os.environ, "BASE": base, "TOKEN": login.json()["token"]["accessToken"],
                   "PYTHON": sys.executable, "PATH": os.pathsep.join([os.path.dirname(sys.executable),
                                                                      os.environ.get("PATH", "")])}
    return subprocess.run(["bash", "-c", script(page, base)], cwd=folder, env=environment, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("page", [p for p in PAGES if _runnable(p)], ids=_name)
def test_examples_run_as_written(page, served, tmp_path):
    result = run_page(page, served, tmp_path)
    assert result.returncode == 0, (
        f"{_name(page)}: an example failed (one that cannot run here, e.g. Docker or a benchmark, gets "
        f"`<!-- docs-test: skip (why) -->` on the line before its fence):\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}")
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_the_readme_taste_lists_orders_then_meets_the_outage(served, tmp_path):
    result = run_page(ROOT / "README.md", served, tmp_path)
    assert result.returncode == 0, result.stderr
    orders, *_, outage, status = result.stdout.splitlines()
    assert orders.startswith('[{"guid":') and '"businessDate":' in orders
    assert status == "HTTP 503" and '"status":503' in outage.replace(" ", "")


def test_the_site_builds_strictly_with_the_generated_references(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    settings = (site / "running/configuration/index.html").read_text(encoding="utf-8")
    assert all(f"<code>{env}</code>" in settings for _, env, _, _, _ in reference.settings())
    cli = (site / "running/cli/index.html").read_text(encoding="utf-8")
    assert all(f"pos-sandbox {name}".strip() in cli for name, _, _ in reference.commands())
    built = "".join(path.read_text(encoding="utf-8") for path in site.glob("**/index.html"))
    # Read offline: no font, style or script from another host.
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', built)
    for spec in reference.specs():
        for row in reference.operations(spec.name):
            assert f"<code>{row.operation_id}</code>" in built, f"{spec} {row.operation_id} is on no page"


def test_every_setting_carries_its_sentence_for_the_reference():
    for item in fields(Config):
        assert item.metadata.get("doc", "").strip(), (
            f"Config.{item.name}: write it as field(default=..., metadata={{'doc': 'one sentence'}})")


def test_every_spec_has_a_page_listing_its_operations():
    markers = "".join(page.read_text(encoding="utf-8") for page in PAGES)
    for spec in reference.specs():
        assert f"<!-- reference: operations {spec.name} -->" in markers, (
            f"no page lists {spec.name}: put `<!-- reference: operations {spec.name} -->` on its API page")
