"""The all-in-one process behind `game-scheduler up`."""
