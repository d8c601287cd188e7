"""A loopback test web for benchmarks: synthetic news sites on 127.0.0.2, 127.0.0.3, ...

Each site serves ~35 KB article pages shaped like a real news site (menus,
byline, paragraphs, share widget, prev/next and related links, comment form,
footer) after a fixed latency, with keep-alive, and a robots.txt that disallows
`/private/`. For memory under faults it also serves `/bomb/N` (a gzip bomb: 1 MB
on the wire, 1 GiB inflated) and `/huge/N` (20 MB without a Content-Length). Run it as its own process, so it does not share the crawler's GIL:

    python benchmarks/sites.py --sites 20 --latency 0.02

It prints `ready PORT` once every host listens, then serves until killed (or
until --lifetime seconds pass, so a forgotten server always stops).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import zlib

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
WORDS = ("the city council said on monday that the new budget would cover schools roads "
         "and hospitals while critics argued the plan left rural districts behind after years "
         "of cuts officials expect a vote next week residents gathered outside the hall "
         "to demand answers about rising rents and the closure of two clinics").split()


def gzip_bomb(mebibytes: int = 1024) -> bytes:
    """Spaces, gzipped: after a full flush, deflate repeats its output for the same input,
    so one compressed MiB is made once and repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    unit = packer.compress(b" " * 1024 * 1024) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()
    size = mebibytes * 1024 * 1024
    trailer = zlib.crc32(b" " * 1024 * 1024).to_bytes(4, "little")  # wrong for 1 GiB: unread
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + unit * mebibytes + tail + trailer
            + (size % 2**32).to_bytes(4, "little"))


BOMB = gzip_bomb()
HUGE_BYTES = 20 * 1024 * 1024
HUGE_CHUNK = b"<p>" + b"a" * (256 * 1024 - 3)


def host_ip(site: int) -> str:
    return f"127.0.0.{site + 2}"


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


# Made once, so answering costs the server little CPU: pages pick from these.
_POOL_RNG = random.Random(7)
PARAGRAPHS = [paragraph(_POOL_RNG, _POOL_RNG.randint(40, 70)) for _ in range(400)]
SENTENCES = [paragraph(_POOL_RNG, 7) for _ in range(400)]


def article_page(site: int, number: int) -> bytes:
    """A deterministic ~35 KB article page: the same (site, number) gives the same bytes."""
    rng = random.Random(site * 1_000_003 + number)
    name = f"Site {site} News"
    title = f"{rng.choice(SENTENCES)[:-1]} ({number})"
    menu = "".join(f'<li class="menu-item"><a href="/section/{i}/">Section {i}</a></li>'
                   for i in range(60))
    body = "".join(f"<p>{rng.choice(PARAGRAPHS)}</p>\n" for _ in range(30))
    related = "".join(f'<li><a href="/article/{number + i}" rel="bookmark">{rng.choice(SENTENCES)}</a></li>'
                      for i in range(2, 8))
    footer = "".join(f'<a href="/page/{i}/">Footer link {i}</a> ' for i in range(100))
    scripts = "".join(f'<script>window.cfg{i}={{"id":{i},"site":{site},"n":{number},'
                      f'"slot":"ad-slot-{i}-sidebar-top","sizes":[[300,250],[336,280]]}};</script>'
                      for i in range(60))
    sidebar = "".join(f'<li class="popular-item"><a href="/article/{number * 7 + i}" '
                      f'class="popular-link" data-position="{i}">{rng.choice(SENTENCES)}</a></li>'
                      for i in range(40))
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {name}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{name}">
<meta property="og:url" content="http://{host_ip(site)}/article/{number}">
<meta name="author" content="Reporter {number % 17}">
<meta property="article:published_time" content="2025-05-{number % 28 + 1:02d}T08:00:00+00:00">
<link rel="canonical" href="http://{host_ip(site)}/article/{number}">
<link rel="stylesheet" href="/style.css">{scripts}</head>
<body class="post-template-default single single-post">
<header id="masthead" class="site-header"><div class="site-branding"><a href="/">{name}</a></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul></nav></header>
<main id="main" class="site-main"><article id="post-{number}" class="post type-post hentry">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
<div class="entry-meta"><span class="byline">By <a class="url fn n" href="/author/{number % 17}/">Reporter {number % 17}</a></span>
<time class="entry-date published" datetime="2025-05-{number % 28 + 1:02d}T08:00:00+00:00">May {number % 28 + 1}, 2025</time></div></header>
<div class="entry-content">{body}</div>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>
<li><a class="share-facebook" href="https://facebook.example/share?u={number}">Facebook</a></li>
<li><a class="share-twitter" href="https://twitter.example/share?u={number}">X</a></li></ul></div>
<footer class="entry-footer"><span class="tags-links"><a href="/tag/city/" rel="tag">city</a> <a href="/tag/budget/" rel="tag">budget</a></span></footer>
</article>
<nav class="navigation post-navigation"><div class="nav-links">
<div class="nav-previous"><a href="/article/{max(number - 1, 0)}" rel="prev">Previous: {rng.choice(SENTENCES)}</a></div>
<div class="nav-next"><a href="/article/{number + 1}" rel="next">Next: {rng.choice(SENTENCES)}</a></div></div></nav>
<aside id="secondary" class="widget-area"><section class="widget popular"><h2>Most read</h2><ul>{sidebar}</ul></section></aside>
<section class="related-posts"><h2>Related</h2><ul>{related}</ul></section>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" required></textarea></p>
<p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" type="text" required></p>
<p class="comment-form-email"><label for="email">Email *</label><input id="email" name="email" type="email" required></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment">
<input type="hidden" name="comment_post_ID" value="{number}" id="comment_post_ID"></p></form></div></div>
</main><footer id="colophon" class="site-footer">{footer}<p>&copy; 2025 {name}</p></footer></body></html>"""
    return html.encode("utf-8")


class Site(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: answers each GET after the latency."""

    def __init__(self, site: int, latency: float) -> None:
        self.site, self.latency = site, latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.paused = False
        self.huge_left = 0  # bytes of a /huge body still to send

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.huge_left = 0

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self.pump()

    def pump(self) -> None:
        """Send a /huge body as the client reads it, never all of it into the server's buffer."""
        while self.huge_left > 0 and not self.paused and not self.transport.is_closing():
            chunk = HUGE_CHUNK[:self.huge_left]
            self.huge_left -= len(chunk)
            self.transport.write(chunk)
            if self.huge_left == 0:
                self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
            close = b"connection: close" in head.lower()
            asyncio.get_running_loop().call_later(self.latency, self.respond, path, close)

    def respond(self, path: str, close: bool) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        if path.startswith("/huge/"):
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                 b"Connection: close\r\n\r\n")
            self.huge_left = HUGE_BYTES
            self.pump()
            return
        if path.startswith("/bomb/"):
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                 b"Content-Encoding: gzip\r\nContent-Length: %d\r\n"
                                 b"Connection: close\r\n\r\n" % len(BOMB) + BOMB)
            self.transport.close()
            return
        if path == "/robots.txt":
            status, kind, body = "200 OK", "text/plain", ROBOTS
        elif path.startswith("/article/"):
            status, kind = "200 OK", "text/html; charset=utf-8"
            body = article_page(self.site, int(path.rsplit("/", 1)[1] or 0))
        else:
            status, kind, body = "404 Not Found", "text/html", b"<html><body>not found</body></html>"
        head = (f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n").encode()
        self.transport.write(head + body)
        if close:
            self.transport.close()


def _quiet_about_resets(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """A crawler that stops reading a /huge body or a bomb resets the connection, and
    asyncio (3.11) reports the reset it handled as an error of its own: not news here."""
    if isinstance(context.get("exception"), (ConnectionError, AttributeError)):
        return
    loop.default_exception_handler(context)


async def serve(sites: int, latency: float, port: int, lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet_about_resets)
    servers = []
    for site in range(sites):
        server = await loop.create_server(lambda s=site: Site(s, latency), host_ip(site), port,
                                          backlog=1024, reuse_address=True)
        port = server.sockets[0].getsockname()[1]  # the first site picks it; the rest share it
        servers.append(server)
    print(f"ready {port}", flush=True)
    await asyncio.sleep(lifetime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds before each answer")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=float, default=3600.0)
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.sites, args.latency, args.port, args.lifetime))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
