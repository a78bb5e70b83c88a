"""The bot's metrics, log context and health, wrapped around its parts without changing them.

``instrument_handlers`` wraps the consumer's handlers (log context, timing, outcome counts),
``MeteredPort`` wraps the Discord port (DM outcomes and lateness, measured when Discord took the
message), ``instrument_client`` counts every REST attempt (429s included) through aiohttp's trace
hooks, and ``start_monitoring`` serves ``/metrics`` and ``/healthz`` on ``BOT_METRICS_PORT``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime
from types import SimpleNamespace

import aiohttp
import discord
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from game_scheduler.bot.port import Announcement, DiscordPort, DiscordUnavailable, DmClosed
from game_scheduler.config import Settings
from game_scheduler.messaging.events import DmKind, Envelope, EventType, SendDm
from game_scheduler.messaging.handling import Handler
from game_scheduler.monitoring.heartbeat import start_heartbeat, stop_heartbeat
from game_scheduler.observability import metrics
from game_scheduler.observability.logs import log_context
from game_scheduler.observability.server import MetricsServer

log = logging.getLogger(__name__)

# (kind, due time as a Unix timestamp) of the DM the current handler is sending.
_dm_due: ContextVar[tuple[str, float] | None] = ContextVar("dm_due", default=None)

_SNOWFLAKE = re.compile(r"/\d{5,}")
_API_PREFIX = re.compile(r"^/api(/v\d+)?")


def due_time(envelope: Envelope, dm: SendDm) -> float:
    """A reminder is due ``offset`` before the start; any other DM when its event happened."""
    if dm.kind is DmKind.REMINDER and dm.offset_minutes is not None:
        return float(dm.starts_at - dm.offset_minutes * 60)
    return envelope.occurred_at.timestamp()


def _context_fields(envelope: Envelope) -> dict[str, object]:
    fields: dict[str, object] = {"event_id": envelope.event_id}
    data = envelope.data
    for name, key in (
        ("game_id", "game_id"),
        ("reminder_id", "reminder_id"),
        ("guild_id", "guild_discord_id"),
    ):
        if data.get(key) is not None:
            fields[name] = data[key]
    return fields


def instrument_handler(event_type: EventType, handler: Handler) -> Handler:
    """The handler, with its log context bound, its duration and outcome recorded."""
    label = event_type.value

    async def handle(envelope: Envelope) -> bool | None:
        with log_context(**_context_fields(envelope)):
            due = None
            if envelope.event_type is EventType.SEND_DM:
                dm = envelope.payload()
                if isinstance(dm, SendDm):
                    due = _dm_due.set((dm.kind.value, due_time(envelope, dm)))
            started = time.perf_counter()
            outcome = "error"
            try:
                recorded = await handler(envelope)  # True: it recorded the completion too
                outcome = "ok"
            finally:
                elapsed = time.perf_counter() - started
                metrics.bot_event_handling_seconds.labels(label).observe(elapsed)
                metrics.bot_events_handled_total.labels(label, outcome).inc()
                if due is not None:
                    _dm_due.reset(due)
            log.info("handled %s in %.3f s", label, elapsed)
            return recorded

    return handle


def instrument_handlers(handlers: Mapping[EventType, Handler]) -> dict[EventType, Handler]:
    """Every handler of the mapping, instrumented."""
    return {event_type: instrument_handler(event_type, h) for event_type, h in handlers.items()}


def _observe_delivered(outcome: str) -> None:
    metrics.dm_delivery_total.labels(outcome).inc()
    due = _dm_due.get()
    if due is not None:
        kind, due_at = due
        metrics.reminder_lateness_seconds.labels(kind).observe(time.time() - due_at)


class MeteredPort:
    """A :class:`DiscordPort` that counts DM outcomes and observes lateness on delivery."""

    def __init__(self, port: DiscordPort) -> None:
        self.inner = port

    async def post_announcement(
        self, channel_id: int, announcement: Announcement, nonce: str
    ) -> int:
        return await self.inner.post_announcement(channel_id, announcement, nonce)

    async def edit_announcement(
        self, channel_id: int, message_id: int, announcement: Announcement
    ) -> None:
        await self.inner.edit_announcement(channel_id, message_id, announcement)

    async def send_dm(
        self,
        user_id: int,
        content: str,
        nonce: str,
        embed: discord.Embed | None = None,
        cant_make_it: int | None = None,
    ) -> None:
        try:
            await self.inner.send_dm(user_id, content, nonce, embed, cant_make_it)
        except DmClosed:
            metrics.dm_delivery_total.labels("dm_closed").inc()
            raise
        except DiscordUnavailable:
            metrics.dm_delivery_total.labels("undeliverable").inc()
            raise
        except Exception:
            metrics.dm_delivery_total.labels("error").inc()
            raise
        _observe_delivered("sent")

    async def post_channel_message(
        self, channel_id: int, content: str, nonce: str, mention_user_id: int | None = None
    ) -> int:
        if _dm_due.get() is None:  # not a DM's fallback
            return await self.inner.post_channel_message(
                channel_id, content, nonce, mention_user_id
            )
        try:
            message_id = await self.inner.post_channel_message(
                channel_id, content, nonce, mention_user_id
            )
        except Exception:
            metrics.dm_delivery_total.labels("fallback_failed").inc()
            raise
        _observe_delivered("fallback_sent")
        return message_id

    async def recent_dm_texts(self, user_id: int, since: datetime) -> list[str]:
        return await self.inner.recent_dm_texts(user_id, since)


def route_template(method: str, path: str) -> str:
    """``POST /channels/{id}/messages``: ids replaced, so the label's values stay few."""
    path = _API_PREFIX.sub("", path)
    return f"{method} {_SNOWFLAKE.sub('/{id}', path)}"


def discord_trace() -> aiohttp.TraceConfig:
    """Count every attempt discord.py makes, including the 429s it retries by itself."""
    trace = aiohttp.TraceConfig()

    async def on_end(
        _session: aiohttp.ClientSession,
        _ctx: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        route = route_template(params.method, params.url.path)
        metrics.discord_requests_total.labels(route, str(params.response.status)).inc()

    async def on_error(
        _session: aiohttp.ClientSession,
        _ctx: SimpleNamespace,
        params: aiohttp.TraceRequestExceptionParams,
    ) -> None:
        route = route_template(params.method, params.url.path)
        metrics.discord_requests_total.labels(route, "error").inc()

    trace.on_request_end.append(on_end)
    trace.on_request_exception.append(on_error)
    trace.freeze()
    return trace


def instrument_client(client: discord.Client) -> None:
    """Before login: discord.py makes its HTTP session at login with this trace."""
    client.http.http_trace = discord_trace()


def consumer_attached(consumer: object) -> bool:
    """Connected to the broker with a consumer on the queue (the consumer's own state)."""
    connection = getattr(consumer, "_connection", None)
    tag = getattr(consumer, "_consumer_tag", None)
    return connection is not None and not connection.is_closed and tag is not None


def gateway_connected(client: discord.Client) -> bool:
    """Logged in, ready, and the gateway websocket open."""
    ws = client.ws
    return client.is_ready() and not client.is_closed() and ws is not None and bool(ws.open)


def bot_health(runner: object) -> dict[str, bool]:
    """``gateway`` (only with a Discord client) and ``consumer``."""
    checks: dict[str, bool] = {}
    client = getattr(runner, "client", None)
    if isinstance(client, discord.Client):
        checks["gateway"] = gateway_connected(client)
    consumer = getattr(runner, "consumer", None)
    if consumer is not None:
        checks["consumer"] = consumer_attached(consumer)
    return checks


class BotStateCollector(Collector):
    """``bot_gateway_connected`` and ``bot_consumer_attached`` (1 or 0), read at scrape."""

    def __init__(self, runner: object) -> None:
        self._runner = runner

    def collect(self) -> Iterator[Metric]:
        checks = bot_health(self._runner)
        for name, help_text in (
            ("gateway", "1 while the bot's Discord gateway connection is up and ready"),
            ("consumer", "1 while the bot consumes its RabbitMQ queue"),
        ):
            if name in checks:
                metric = "bot_gateway_connected" if name == "gateway" else "bot_consumer_attached"
                yield GaugeMetricFamily(metric, help_text, value=1.0 if checks[name] else 0.0)


class BotMonitoring:
    """The bot's heartbeat and, when ``BOT_METRICS_PORT`` is set, its metrics/health endpoint."""

    def __init__(self, runner: object, settings: Settings) -> None:
        start_heartbeat("bot")
        self.server: MetricsServer | None = None
        if settings.bot_metrics_port is not None:
            self.server = MetricsServer(
                settings.metrics_host,
                settings.bot_metrics_port,
                health=lambda: bot_health(runner),
                collectors=[BotStateCollector(runner)],
            ).start()

    def stop(self) -> None:
        """Stop the heartbeat and the endpoint."""
        stop_heartbeat("bot")
        if self.server is not None:
            self.server.stop()


def start_monitoring(runner: object, settings: Settings) -> BotMonitoring:
    """Heartbeat always; metrics and health when ``BOT_METRICS_PORT`` is set."""
    return BotMonitoring(runner, settings)
