"""The `scrape` command line: app.py declares the commands; the rest prints.
discover.py adds the discovery commands (site, feed, follow) to the same app."""
from . import discover as _discover  # noqa: F401  (registers its commands on the app)
from .app import app, main

__all__ = ["app", "main"]
