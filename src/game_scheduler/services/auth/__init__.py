"""Sign in with Discord: login flow, server-side sessions, and who the user is in each server.

Framework-free, so the JSON API and the dashboard share it.
"""
