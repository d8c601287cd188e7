"""Fetch: a URL -> a FetchResult, bounded in time and memory, polite to robots.txt.

http.py fetches one URL (deadlines, caps, redirects); robots.py reads a site's
rules; encoding.py turns bytes into text; budget.py bounds the bytes all
downloads hold at once. Nothing here stores, extracts or prints.
"""
from .http import DEFAULT_USER_AGENT, FetchPolicy, RetryPolicy, fetch, make_client, read_local

__all__ = ["DEFAULT_USER_AGENT", "FetchPolicy", "RetryPolicy", "fetch", "make_client", "read_local"]
