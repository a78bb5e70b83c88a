"""SQLAlchemy models; importing this package registers every table on ``Base.metadata``."""

from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus
from game_scheduler.models.base import Base, UTCDateTime, utcnow
from game_scheduler.models.game import Game, Participant
from game_scheduler.models.guild import Channel, Guild, Role
from game_scheduler.models.heartbeat import ProcessHeartbeat
from game_scheduler.models.history import Attendance, GameTemplate
from game_scheduler.models.outbox import DmDelivery, OutboxEvent, ProcessedEvent
from game_scheduler.models.reminder import Reminder
from game_scheduler.models.seat_offer import SeatOffer
from game_scheduler.models.security import GuildMember, RateEvent
from game_scheduler.models.series import GameSeries
from game_scheduler.models.user import User, new_calendar_token
from game_scheduler.models.web_session import OAuthState, WebSession

__all__ = [
    "Attendance",
    "Base",
    "Channel",
    "DmDelivery",
    "Game",
    "GameSeries",
    "GameStatus",
    "GameTemplate",
    "Guild",
    "GuildMember",
    "OAuthState",
    "OutboxEvent",
    "Participant",
    "ProcessHeartbeat",
    "ProcessedEvent",
    "RateEvent",
    "Reminder",
    "ReminderStatus",
    "Role",
    "SeatOffer",
    "UTCDateTime",
    "User",
    "WebSession",
    "new_calendar_token",
    "utcnow",
]
