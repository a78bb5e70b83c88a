"""expire_seat_offers: lapsed seat offers move on to the next player, once each."""

from __future__ import annotations

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.sync_publisher import get_sync_publisher
from game_scheduler.models import utcnow
from game_scheduler.scheduler.celery_app import EXPIRE_SEAT_OFFERS, app
from game_scheduler.scheduler.services.offer_expiry import expire_lapsed_offers


@app.task(name=EXPIRE_SEAT_OFFERS)
def expire_seat_offers() -> int:
    """Expire every lapsed offer; safe to run twice at the same time (game row locks)."""
    with get_sync_db_session() as session:
        return expire_lapsed_offers(session, utcnow(), get_sync_publisher())
