"""relay_outbox: publish what a writer committed but could not publish (broker down, crash)."""

from __future__ import annotations

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging import relay
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.scheduler.celery_app import RELAY_OUTBOX, app


@app.task(name=RELAY_OUTBOX)
def relay_outbox() -> int:
    """Publish every unpublished outbox row; concurrent relays take disjoint batches."""
    with get_sync_db_session() as session:
        return relay.relay_outbox(session, get_sync_publisher())
