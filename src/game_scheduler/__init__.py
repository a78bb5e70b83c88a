"""Game Scheduler: schedule Discord game sessions with signups, waitlists and reminders."""
