"""A generated news site on 127.0.0.1 for the discovery tests, with a request log.

`Site(articles=N)` serves, by default:

- /robots.txt: a Disallow, and Sitemap lines for a sitemap index, a news sitemap
  and a broken sitemap;
- /sitemap_index.xml: two children, the second gzip-compressed (.xml.gz);
- /news-sitemap.xml: a Google News sitemap of the newest articles;
- the home page: <link rel=alternate> to an RSS feed, an Atom feed and a feed of
  bad XML, and links to a category;
- /category/news/ (and /page/K/): a listing with rel=next pagination;
- /YYYY/MM/post-N/: articles linked by rel=prev/next (post 1 is the first) and
  a related block (two posts, and one out of scope), dated a day apart;
- URLs out of scope: another host's, listed in a sitemap and linked as related.

Options switch parts off (no sitemaps, no feeds) or make faults (a prev/next
loop, hostile sitemaps). Every request is logged with its start and end time.
"""
from __future__ import annotations

import gzip
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST_DAY = date(2025, 1, 1)
PER_LISTING_PAGE = 10


@dataclass
class Hit:
    path: str
    started: float
    answered: float | None = None  # when the answer began to go out (see faults.Request)
    finished: float | None = None


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass


@dataclass
class Site:
    articles: int = 30
    sitemaps: bool = True
    feeds: bool = True
    loop: bool = False  # the first post's prev link points at the last post
    revised: dict[int, str] = field(default_factory=dict)  # post -> the sitemap's <lastmod>
    json_feed: bool = False  # /feed.json, announced on the home page
    news: int = 5  # newest articles in the news sitemap
    feed_items: int = 10
    robots_extra: str = ""
    other: str = "http://127.0.0.9:9/"  # a site out of scope
    latency: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)  # path -> bytes or callable(h)
    hits: list[Hit] = field(default_factory=list)

    def __post_init__(self) -> None:
        site = self
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                hit = self.hit = Hit(self.path, time.monotonic())
                with site._lock:
                    site.hits.append(hit)
                try:
                    site.answer(self)
                finally:
                    hit.finished = time.monotonic()
                    if hit.answered is None:  # an extra that wrote its own answer
                        hit.answered = hit.finished

            def log_message(self, *args) -> None:
                pass

        self.httpd = _Quiet(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    # -- serving ---------------------------------------------------------------

    def start(self) -> "Site":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path in self.extra:
            served = self.extra[path]
            if callable(served):
                served(h)
            else:
                self.send(h, 200, served, "application/xml")
            return
        page = self.page(path)
        if page is None:
            self.send(h, 404, b"<html><body>not found</body></html>", "text/html")
            return
        body, kind = page
        if self.latency and kind == "text/html":
            time.sleep(self.latency)
        self.send(h, 200, body, kind)

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        h.hit.answered = time.monotonic()
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    # -- the site --------------------------------------------------------------

    def day(self, n: int) -> date:
        return FIRST_DAY + timedelta(days=n - 1)

    def post_path(self, n: int) -> str:
        day = self.day(n)
        return f"/{day.year}/{day.month:02d}/day-{n}-news/"

    def post_urls(self) -> list[str]:
        return [self.url(self.post_path(n)) for n in range(1, self.articles + 1)]

    def page(self, path: str) -> tuple[bytes, str] | None:
        xml, html = "application/xml", "text/html; charset=utf-8"
        if path == "/robots.txt":
            lines = ["User-agent: *", "Disallow: /private/"]
            if self.sitemaps:
                lines += [f"Sitemap: {self.base}/sitemap_index.xml",
                          f"Sitemap: {self.base}/news-sitemap.xml",
                          f"Sitemap: {self.base}/broken-sitemap.xml"]
            return ("\n".join(lines) + "\n" + self.robots_extra).encode(), "text/plain"
        if path == "/":
            return self.home().encode(), html
        if self.sitemaps and path == "/sitemap_index.xml":
            return self.index().encode(), xml
        if self.sitemaps and path == "/sitemap-posts-1.xml":
            return self.urlset(range(1, self.articles // 2 + 1), extra=[self.other + "x/"]).encode(), xml
        if self.sitemaps and path == "/sitemap-posts-2.xml.gz":
            return gzip.compress(self.urlset(range(self.articles // 2 + 1,
                                                   self.articles + 1)).encode()), "application/x-gzip"
        if self.sitemaps and path == "/news-sitemap.xml":
            return self.news_sitemap().encode(), xml
        if self.sitemaps and path == "/broken-sitemap.xml":
            return b"<?xml version='1.0'?><urlset><url><loc>http://x/</loc></url", xml
        if self.feeds and path == "/feed/":
            return self.rss().encode(), "application/rss+xml"
        if self.feeds and path == "/atom.xml":
            return self.atom().encode(), "application/atom+xml"
        if self.json_feed and path == "/feed.json":
            return self.json_items().encode(), "application/feed+json"
        if self.feeds and path == "/bad-feed.xml":
            return b"<?xml version='1.0'?><rss><channel><item><title>a & b</tit", xml
        if path.startswith("/category/news/"):
            rest = path[len("/category/news/"):]
            number = int(rest.split("/")[1]) if rest.startswith("page/") else 1
            return self.listing(number).encode(), html
        for n in range(1, self.articles + 1):
            if path == self.post_path(n):
                return self.article(n).encode(), html
        return None

    def home(self) -> str:
        feeds = ""
        if self.feeds:
            feeds = (f'<link rel="alternate" type="application/rss+xml" href="/feed/">'
                     f'<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
                     f'<link rel="alternate" type="application/rss+xml" href="/bad-feed.xml">')
        if self.json_feed:
            feeds += '<link rel="alternate" type="application/feed+json" href="/feed.json">'
        return (f"<!DOCTYPE html><html><head><title>The Loopback Times</title>{feeds}</head>"
                f"<body><nav><a href='/category/news/'>News</a> <a href='/about/'>About</a>"
                f"</nav><h1>The Loopback Times</h1><p>Read the news.</p></body></html>")

    def listing(self, number: int) -> str:
        newest = self.articles - (number - 1) * PER_LISTING_PAGE
        posts = range(newest, max(newest - PER_LISTING_PAGE, 0), -1)
        cards = "".join(f"<article><h2><a href='{self.post_path(n)}'>Post {n}</a></h2>"
                        f"<a href='/category/news/'>News</a></article>" for n in posts)
        more = (f"<link rel='next' href='/category/news/page/{number + 1}/'>"
                if newest - PER_LISTING_PAGE > 0 else "")
        return (f"<!DOCTYPE html><html><head><title>News, page {number}</title>{more}</head>"
                f"<body><h1>News</h1>{cards}</body></html>")

    def article(self, n: int) -> str:
        prev = n - 1 if n > 1 else (self.articles if self.loop else None)
        nav = ""
        if prev:
            nav += f"<a rel='prev' href='{self.post_path(prev)}'>Post {prev}</a>"
        if n < self.articles:
            nav += f"<a rel='next' href='{self.post_path(n + 1)}'>Post {n + 1}</a>"
        related = [m for m in (n + 7, n + 13) if m <= self.articles]
        cards = "".join(f"<li><a href='{self.post_path(m)}'>Post {m}: more news</a></li>"
                        for m in related)
        cards += f"<li><a href='{self.other}elsewhere/'>Elsewhere: other news today</a></li>"
        body = " ".join(f"Sentence {k} of post {n} tells the reader something new today."
                        for k in range(12))
        return (f"<!DOCTYPE html><html><head><title>Post {n}</title></head><body>"
                f"<article><h1>Post {n}</h1><p>{body}</p><p>{body}</p></article>"
                f"<nav class='post-navigation'>{nav}</nav>"
                f"<section class='related-posts'><h3>Related</h3><ul>{cards}</ul></section>"
                f"</body></html>")

    def index(self) -> str:
        children = [("/sitemap-posts-1.xml", self.day(self.articles // 2)),
                    ("/sitemap-posts-2.xml.gz", self.day(self.articles))]
        items = "".join(f"<sitemap><loc>{self.base}{loc}</loc><lastmod>{day}</lastmod></sitemap>"
                        for loc, day in children)
        return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>')

    def urlset(self, numbers, extra: list[str] = ()) -> str:
        items = "".join(f"<url><loc>{self.url(self.post_path(n))}</loc>"
                        f"<lastmod>{self.revised.get(n, self.day(n))}</lastmod></url>" for n in numbers)
        items += "".join(f"<url><loc>{url}</loc></url>" for url in extra)
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>')

    def news_sitemap(self) -> str:
        items = "".join(
            f"<url><loc>{self.url(self.post_path(n))}</loc><news:news><news:publication>"
            f"<news:name>The Loopback Times</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{self.day(n)}T08:00:00+01:00"
            f"</news:publication_date><news:title>Post {n}</news:title></news:news></url>"
            for n in range(self.articles, max(self.articles - self.news, 0), -1))
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
                'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{items}</urlset>')

    def feed_posts(self) -> range:
        return range(self.articles, max(self.articles - self.feed_items, 0), -1)

    def rss(self) -> str:
        items = "".join(f"<item><title>Post {n}</title><link>{self.url(self.post_path(n))}</link>"
                        f"<pubDate>{self.day(n).strftime('%a, %d %b %Y')} 08:00:00 +0000</pubDate>"
                        f"</item>" for n in self.feed_posts())
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>The Loopback Times'
                f'</title><link>{self.base}/</link>{items}</channel></rss>')

    def atom(self) -> str:
        entries = "".join(f"<entry><title>Post {n}</title><id>tag:loopback,{n}</id>"
                          f"<link href='{self.post_path(n)}'/><updated>{self.day(n)}T08:00:00Z"
                          f"</updated></entry>" for n in self.feed_posts())
        return (f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom' "
                f"xml:base='{self.base}/'><title>The Loopback Times</title>{entries}</feed>")

    def json_items(self) -> str:
        """JSON Feed 1.1: items with absolute and relative URLs, one dated, one without a URL."""
        items = [{"id": str(n), "title": f"Post {n}", "url": self.post_path(n) if n % 2 else
                  self.url(self.post_path(n)), "date_published": f"{self.day(n)}T08:00:00+02:00"}
                 for n in self.feed_posts()]
        items.append({"id": "no-url", "title": "An item with no address", "content_text": "x"})
        return json.dumps({"version": "https://jsonfeed.org/version/1.1",
                           "title": "The Loopback Times", "home_page_url": self.base + "/",
                           "feed_url": self.url("/feed.json"), "items": items})
