"""deploy/: every metric the dashboard and the alerts name is exported; the rules are valid."""

import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import discord
import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.registry import Collector

from game_scheduler.bot.instrumentation import BotStateCollector
from game_scheduler.monitoring.collectors import scrape_collectors

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "game-scheduler.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"

# Series Prometheus makes itself for every target.
BUILT_IN = {"up"}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right",
    "and", "or", "unless", "bool", "offset", "le", "inf", "nan",
}  # fmt: skip


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def alert_queries() -> list[str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return [r["expr"] for g in rules["groups"] for r in g["rules"]]


def metric_names(expr: str) -> set[str]:
    """Identifiers that name series: not functions, keywords, labels or durations."""
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range durations
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)  # grouping labels
    found = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[match.end() :].lstrip()
        name = match.group()
        if rest.startswith("(") or name.lower() in PROMQL_WORDS:
            continue
        found.add(name)
    return found


def exported(collectors: list[Collector]) -> set[str]:
    """The sample names the families produce (counters _total, histograms _bucket/_count/_sum)."""
    names = set()
    for collector in collectors:
        for family in collector.collect():
            if family.type == "counter":
                names |= {family.name + "_total", family.name + "_created"}
            elif family.type == "histogram":
                names |= {family.name + s for s in ("_bucket", "_count", "_sum", "_created")}
            else:
                names.add(family.name)
    return names


def test_the_name_extraction_reads_promql():
    expr = 'histogram_quantile(0.99, sum by (le, kind) (rate(a_bucket{x="y"}[5m]))) or up == 0'
    assert metric_names(expr) == {"a_bucket", "up"}


@pytest.mark.usefixtures("pg_db_url")
def test_every_metric_the_dashboard_and_alerts_name_is_exported(rabbitmq_url, configure):
    configure(rabbitmq_url=rabbitmq_url)
    bot = SimpleNamespace(
        client=discord.Client(intents=discord.Intents.none()),
        consumer=SimpleNamespace(_connection=None, _consumer_tag=None),
    )
    names = exported([REGISTRY, *scrape_collectors(), BotStateCollector(bot)]) | BUILT_IN
    queries = dashboard_queries() + alert_queries()
    assert len(queries) > 10
    referenced = set().union(*(metric_names(q) for q in queries))
    assert "reminder_lateness_seconds_bucket" in referenced
    assert referenced - names == set()


def test_the_dashboard_has_the_panels_the_issue_asks_for():
    exprs = " ".join(dashboard_queries())
    for needle in (
        "histogram_quantile(0.5, sum by (le, kind) (rate(reminder_lateness_seconds_bucket",
        "histogram_quantile(0.99, sum by (le, kind) (rate(reminder_lateness_seconds_bucket",
        "outbox_backlog",
        "dead_letter_messages",
        'discord_requests_total{status="429"}',
        "http_request_seconds_bucket",
    ):
        assert needle in exprs, needle


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus)")
def test_promtool_accepts_the_alert_rules():
    result = subprocess.run(
        ["promtool", "check", "rules", str(ALERTS)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 6 rules found" in result.stdout
