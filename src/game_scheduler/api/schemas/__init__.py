"""Request and response bodies of the JSON API (pydantic), kept apart from the use cases."""
