"""scraper: archive news articles into SQLite.

    from scraper import extract
    article = extract(html, url)
    article.title, article.body_text, article.share_url, article.links, article.comment_form
"""
__version__ = "0.1.0"  # before the imports: fetch reads it for the User-Agent

from .extract import EXTRACTOR_VERSION, extract
from .models import Article, CommentForm, FetchResult, FormField, Link

__all__ = [
    "Article",
    "CommentForm",
    "EXTRACTOR_VERSION",
    "FetchResult",
    "FormField",
    "Link",
    "extract",
    "__version__",
]
