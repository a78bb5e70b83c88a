"""Rules with no I/O: reminder inheritance, waitlist order, status transitions, permissions."""
