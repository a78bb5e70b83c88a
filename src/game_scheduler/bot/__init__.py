"""The Discord bot: announcements, buttons, DMs, slash commands, event consumer."""
