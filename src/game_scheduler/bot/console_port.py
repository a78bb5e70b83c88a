"""Console "Discord": without a token every message is logged and kept for the dashboard."""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import datetime

import discord

from game_scheduler.bot.port import Announcement, MessageGone
from game_scheduler.models import utcnow

log = logging.getLogger(__name__)

KEEP_LAST = 1000


@dataclass(frozen=True)
class ConsoleMessage:
    """One message the bot would have sent: what, where, and its text as a person would read it."""

    action: str  # post, edit, dm, channel or thread
    target: str  # "channel 123" or "user 456"
    text: str
    message_id: int | None = None
    sent_at: datetime = field(default_factory=utcnow)
    game_id: int | None = None  # the game an announcement is about


def render_embed(embed: discord.Embed) -> str:
    """An embed as plain lines: title, description, fields, footer."""
    lines = [f"## {embed.title}"] if embed.title else []
    if embed.description:
        lines.append(embed.description)
    lines += [f"{f.name}: {f.value}" for f in embed.fields]
    if embed.footer.text:
        lines.append(f"({embed.footer.text})")
    return "\n".join(lines)


class ConsolePort:
    """A DiscordPort that writes to the log and to ``messages`` (newest last, bounded)."""

    def __init__(self) -> None:
        self.messages: list[ConsoleMessage] = []
        self._ids = itertools.count(1)
        self._posted: dict[int, int] = {}  # message id -> game id, this run only
        self._shown: dict[int, str] = {}  # message id -> the text it shows now

    def _record(self, message: ConsoleMessage) -> None:
        self.messages.append(message)
        del self.messages[:-KEEP_LAST]
        log.info("[console %s to %s]\n%s", message.action, message.target, message.text)

    @staticmethod
    def _announcement_text(announcement: Announcement) -> str:
        buttons = "[Join] [Maybe] [Can't] [Leave]" if announcement.joinable else "(signups closed)"
        links = "".join(f"\n{label}: {url}" for label, url in announcement.links)
        return f"{render_embed(announcement.embed)}\n{buttons}{links}"

    async def post_announcement(
        self, channel_id: int, announcement: Announcement, nonce: str
    ) -> int:
        message_id = next(self._ids)
        self._posted[message_id] = announcement.game_id
        text = self._announcement_text(announcement)
        self._shown[message_id] = text
        if announcement.ping_role_id is not None:
            text = f"<@&{announcement.ping_role_id}>\n{text}"
        self._record(
            ConsoleMessage(
                "post", f"channel {channel_id}", text, message_id, game_id=announcement.game_id
            )
        )
        return message_id

    async def edit_announcement(
        self, channel_id: int, message_id: int, announcement: Announcement
    ) -> None:
        if self._posted.get(message_id) != announcement.game_id:
            # Posted by an earlier run of the process: post it again in this run.
            raise MessageGone(f"message {message_id} is not in this console session")
        text = self._announcement_text(announcement)
        if self._shown.get(message_id) == text:
            # Discord would show nothing new: a line says so, the console page stays as it was.
            log.info("[console edit to channel %s] message %s unchanged", channel_id, message_id)
            return
        self._shown[message_id] = text
        self._record(
            ConsoleMessage(
                "edit", f"channel {channel_id}", text, message_id, game_id=announcement.game_id
            )
        )

    async def send_dm(
        self,
        user_id: int,
        content: str,
        nonce: str,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> None:
        text = content if embed is None else f"{content}\n{render_embed(embed)}"
        if view is not None:  # the console cannot click: the game's web page answers offers
            buttons = [getattr(item, "item", item) for item in view.children]  # DynamicItem
            labels = [getattr(button, "label", None) or "" for button in buttons]
            text += "\n" + " ".join(f"[{label}]" for label in labels)
        self._record(ConsoleMessage("dm", f"user {user_id}", text))

    async def recent_dm_texts(self, user_id: int, since: datetime) -> list[str]:
        return [
            m.text
            for m in self.messages
            if m.action == "dm" and m.target == f"user {user_id}" and m.sent_at >= since
        ]

    async def create_thread(self, channel_id: int, message_id: int, name: str) -> int:
        self._record(ConsoleMessage("thread", f"channel {channel_id}", f"Thread opened: {name}"))
        return message_id  # as on Discord, a thread started from a message has its id

    async def add_thread_member(self, thread_id: int, user_id: int) -> None:
        log.info("[console thread %s] added user %s", thread_id, user_id)

    async def post_in_thread(self, thread_id: int, content: str, nonce: str) -> int:
        message_id = next(self._ids)
        self._record(ConsoleMessage("thread", f"thread {thread_id}", content, message_id))
        return message_id

    async def post_channel_message(
        self,
        channel_id: int,
        content: str,
        nonce: str,
        mention_user_id: int | None = None,
        mention_role_id: int | None = None,
    ) -> int:
        message_id = next(self._ids)
        self._record(ConsoleMessage("channel", f"channel {channel_id}", content, message_id))
        return message_id
