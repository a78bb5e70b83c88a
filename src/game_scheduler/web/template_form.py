"""The server template form: raw values kept for refilling, and the service's input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from game_scheduler.models import GameTemplate
from game_scheduler.services.templates import TemplateDraft
from game_scheduler.web.forms import Errors, Values, offsets_value, parse_int, parse_offsets

FIELDS = (
    "name",
    "title",
    "description",
    "location",
    "max_players",
    "min_players",
    "duration_minutes",
    "reminder_offsets",
    "channel_id",
    "ping_role_id",
)
LABELS = {
    "name": "Name",
    "title": "Title",
    "description": "Description",
    "location": "Where",
    "max_players": "Max players",
    "min_players": "Min players",
    "duration_minutes": "Duration",
    "reminder_offsets": "Reminders",
    "channel_id": "Channel",
    "ping_role_id": "Role to ping",
}


def _optional_id(values: Values, name: str, errors: Errors) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,19}", text) or int(text) >= 2**63:
        errors[name] = "choose from the list"
        return None
    return int(text)


@dataclass
class TemplateForm:
    """What the manager typed, and an error per field."""

    values: Values
    errors: Errors = field(default_factory=dict)

    @classmethod
    def blank(cls) -> TemplateForm:
        """A new template: only the minimum head count filled in."""
        values = dict.fromkeys(FIELDS, "")
        values["min_players"] = "1"
        return cls(values)

    @classmethod
    def posted(cls, read: dict[str, str]) -> TemplateForm:
        """What the browser sent."""
        return cls({name: read.get(name, "") for name in FIELDS})

    @classmethod
    def of_template(cls, template: GameTemplate) -> TemplateForm:
        """A saved template (its channel loaded)."""

        def text(value: int | None) -> str:
            return "" if value is None else str(value)

        return cls(
            {
                "name": template.name,
                "title": template.title,
                "description": template.description,
                "location": template.location,
                "max_players": text(template.max_players),
                "min_players": str(template.min_players),
                "duration_minutes": text(template.duration_minutes),
                "reminder_offsets": offsets_value(template.reminder_offsets),
                "channel_id": "" if template.channel is None else str(template.channel.discord_id),
                "ping_role_id": text(template.ping_role_id),
            }
        )

    def draft(self) -> TemplateDraft | None:
        """The service's input, or None when a field cannot even be read."""
        errors, values = self.errors, self.values
        fields = {
            "max_players": parse_int(values, "max_players", errors),
            "min_players": parse_int(values, "min_players", errors),
            "duration_minutes": parse_int(values, "duration_minutes", errors),
            "reminder_offsets": parse_offsets(values, "reminder_offsets", errors),
            "channel_discord_id": _optional_id(values, "channel_id", errors),
            "ping_role_id": _optional_id(values, "ping_role_id", errors),
        }
        if errors:
            return None
        texts = {name: values[name] for name in ("name", "title", "description", "location")}
        return TemplateDraft.model_validate(
            {**texts, **fields, "min_players": fields["min_players"] or 1}
        )
