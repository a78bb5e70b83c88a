"""Abuse limits with no I/O: how long a throttled caller waits, which removals are worth a DM."""

from __future__ import annotations

import math
from datetime import datetime, timedelta


def retry_after_seconds(oldest: datetime, window: timedelta, now: datetime) -> int:
    """Whole seconds until the oldest counted action leaves the window (at least 1)."""
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def removal_worth_telling(joined_at: datetime, now: datetime, grace: timedelta) -> bool:
    """A player added minutes ago and removed again is not told: no DM loop for a host."""
    return now - joined_at >= grace
