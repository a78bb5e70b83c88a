"""Seat offers and re-confirmations over a sync session: shared by the async services
(through ``AsyncSession.run_sync``) and the synchronous scheduler's expiry task."""
