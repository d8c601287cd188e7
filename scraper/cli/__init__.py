"""The `scrape` command line: app.py declares the commands; the rest prints.
discover.py adds the discovery commands (site, feed, follow) to the same app, warc.py
adds `scrape import`."""
from . import discover as _discover  # noqa: F401  (registers its commands on the app)
from . import warc as _warc  # noqa: F401  (registers `scrape import`)
from .app import app, main

__all__ = ["app", "main"]
