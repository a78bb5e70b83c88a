"""Use cases shared by the api, the dashboard and the bot; each is one transaction."""
