"""Thin route handlers: parse the request, call one service, shape the answer."""
