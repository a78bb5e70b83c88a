"""The server-rendered dashboard served by the api process."""
