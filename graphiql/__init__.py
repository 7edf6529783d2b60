"""GraphiQL served entirely by this server (page.py); its assets are vendored in static/."""
