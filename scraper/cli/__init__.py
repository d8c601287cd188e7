"""The `scrape` command line: app.py declares the commands; the rest prints."""
from .app import app, main

__all__ = ["app", "main"]
