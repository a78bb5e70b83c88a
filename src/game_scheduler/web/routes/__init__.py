"""Dashboard pages: each parses the request, calls one service, renders or redirects."""
