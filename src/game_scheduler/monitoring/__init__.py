"""What an operator asks of a running deployment: heartbeats, backlog, dead letters, health."""
