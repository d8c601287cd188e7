"""Metadata from each source a page declares it in: JSON-LD, OpenGraph, Twitter, <meta>, microdata."""
from __future__ import annotations

from pathlib import Path

import pytest

from scraper.extract import extract
from scraper.extract.document import parse_document
from scraper.extract.metadata import Metadata, extract_metadata

FIXTURES = Path(__file__).parent / "fixtures"


def metadata_of(html: str, url: str = "https://news.example/2024/06/story.html") -> Metadata:
    return extract_metadata(parse_document(html, url))


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_metadata_only_in_a_json_ld_graph():
    meta = metadata_of(fixture("meta-graph.html"))
    assert meta == Metadata(
        authors=["Ján Kováč", "Katarína Horváthová"],  # an @id reference and an inline Person
        published="2025-05-12T06:40:00+02:00",
        modified="2025-05-13T18:05:12+02:00",
        language="sk-SK",  # no <html lang>: the article's inLanguage
        site_name="Denník Sever",  # the publisher, found through its @id
        description="Pred štvrťstoročím sa potopila ruská jadrová ponorka. "
                    "Čo vieme o posledných hodinách posádky.",
        tags=["Kursk", "ponorky", "Rusko", "Svet", "História"],
        image="https://dennik-sever.example/wp-content/uploads/2025/05/kursk.jpg",
    )


def test_metadata_from_opengraph_twitter_and_meta_names():
    meta = metadata_of(fixture("meta-opengraph.html"), "https://alpenblick.example/lokales/strassenbahn")
    assert meta == Metadata(
        authors=["Lena Hofer"],  # not article:author's URL, not the Twitter handle
        published="2024-06-03T07:15:00+02:00",  # article:published_time before <time>
        modified="2024-06-03T11:40:00+02:00",
        language="de-AT",
        site_name="Alpenblick Zeitung",
        description="Die Stadt plant eine neue Straßenbahnlinie, die ab 2027 den Süden "
                    "mit dem Hauptbahnhof verbinden soll.",
        tags=["Öffentlicher Verkehr", "Verkehr", "Straßenbahn", "Stadtplanung", "Lokales"],
        image="https://alpenblick.example/bilder/2024/strassenbahn.jpg",  # made absolute
    )


def test_metadata_from_microdata():
    meta = metadata_of(fixture("meta-microdata.html"))
    assert meta.authors == ["Ana Beatriz Souza"]  # the Person's name, not "Por ..."
    assert meta.published == "2023-10-14T18:20:00-03:00"
    assert meta.modified == "2023-10-15T09:00:00-03:00"
    assert meta.language == "pt-BR"
    assert meta.tags == ["feira do livro", "cultura"]
    assert meta.image == "https://jornal.example/fotos/feira.jpg"


def test_extract_puts_the_metadata_on_the_article():
    article = extract(fixture("meta-graph.html"), "https://dennik-sever.example/2025/05/ponorka-kursk/")
    assert article.author == "Ján Kováč, Katarína Horváthová"
    assert article.published == "2025-05-12T06:40:00+02:00"
    assert article.language == "sk-SK"
    assert article.body_text.startswith("Dvanásteho augusta roku 2000")


def ld(data: str) -> str:
    return f'<html><head><script type="application/ld+json">{data}</script></head><body></body></html>'


def test_json_ld_authors_as_strings_objects_and_lists():
    meta = metadata_of(ld('{"@type": "NewsArticle", "author": ["Ada Lovelace", '
                          '{"@type": "Person", "name": "Charles Babbage"}, "Ada Lovelace"]}'))
    assert meta.authors == ["Ada Lovelace", "Charles Babbage"]


def test_json_ld_article_inside_a_list_with_trailing_commas():
    meta = metadata_of(ld('[{"@type": "BreadcrumbList", "itemListElement": []}, '
                          '{"@type": "BlogPosting", "author": {"name": "Grace Hopper",}, '
                          '"datePublished": "2021-02-03",},]'))
    assert meta.authors == ["Grace Hopper"]
    assert meta.published == "2021-02-03"


def test_hand_written_json_ld_is_read_by_metadata_and_strict_json_by_the_other_parts():
    """One script parsed once serves both: metadata reads a raw line break in a string and
    an HTML comment around the object, the headline (strict JSON) does not."""
    html = ('<html><head><script type="application/ld+json"><!-- {"@type": "NewsArticle", '
            '"headline": "Strict parsers refuse this", "author": "Ada\nLovelace"} --></script>'
            '<script type="application/ld+json">{"@type": "WebPage", "headline": "Valid JSON"}'
            '</script></head><body><p>Text.</p></body></html>')
    article = extract(html, "https://news.example/2024/06/story.html")
    assert article.authors == ["Ada Lovelace"]
    assert article.title == "Valid JSON"


def test_broken_json_ld_is_skipped_and_other_sources_still_read():
    html = ('<html><head><script type="application/ld+json">{"@type": "Article", "author": </script>'
            '<meta name="author" content="Alan Turing"></head><body></body></html>')
    assert metadata_of(html).authors == ["Alan Turing"]


@pytest.mark.parametrize("declared, iso", [
    ("2019-11-18T19:09:03Z", "2019-11-18T19:09:03+00:00"),
    ("2019-11-18T19:09:03.512+01:00", "2019-11-18T19:09:03.512000+01:00"),
    ("2019-11-18 19:09", "2019-11-18T19:09:00"),
    ("2019-11-18", "2019-11-18"),
    ("20191118", "2019-11-18"),
    ("Mon, 18 Nov 2019 19:09:03 GMT", "2019-11-18T19:09:03+00:00"),
    ("2019/11/18 07:05", "2019-11-18T07:05:00"),
])
def test_dates_come_out_as_iso_8601(declared, iso):
    html = f'<html><head><meta property="article:published_time" content="{declared}"></head></html>'
    assert metadata_of(html).published == iso


@pytest.mark.parametrize("declared", ["yesterday", "", "0000-00-00", "31/31/2019", "9999-99-99"])
def test_what_is_not_a_date_is_left_empty(declared):
    html = f'<html><head><meta property="article:published_time" content="{declared}"></head></html>'
    assert metadata_of(html).published is None


def test_language_from_og_locale_when_the_page_has_no_lang():
    html = '<html><head><meta property="og:locale" content="en_US"></head></html>'
    assert metadata_of(html).language == "en-US"


def test_html_lang_wins_over_og_locale():
    html = '<html lang="fr"><head><meta property="og:locale" content="en_US"></head></html>'
    assert metadata_of(html).language == "fr"


def test_language_is_never_guessed_from_the_text():
    html = "<html><body><p>Dies ist ein deutscher Satz, aber die Seite sagt es nirgends.</p></body></html>"
    assert metadata_of(html).language is None


def test_a_page_without_metadata_gives_empty_metadata():
    assert metadata_of("<html><body><p>Nothing declared here.</p></body></html>") == Metadata()


def test_rel_author_link_is_the_last_resort_for_authors():
    html = '<html><body><p class="byline">By <a rel="author" href="/u/kim">Kim Lee</a></p></body></html>'
    assert metadata_of(html).authors == ["Kim Lee"]


def test_description_markup_is_removed():
    html = '<html><head><meta name="description" content="&lt;p&gt;A plain summary.&lt;/p&gt;"></head></html>'
    assert metadata_of(html).description == "A plain summary."


def test_json_ld_nested_deeper_than_python_recursion_does_not_lose_the_rest():
    html = ('<html><head><meta name="author" content="Kim Lee"><script type="application/ld+json">'
            + "[" * 100_000 + "]" * 100_000 + "</script></head><body></body></html>")
    assert metadata_of(html).authors == ["Kim Lee"]


# --- what a CMS puts around an author's name -----------------------------------------------

def head(*tags: str, body: str = "") -> str:
    return f'<html><head>{"".join(tags)}</head><body>{body}</body></html>'


@pytest.mark.parametrize("declared, name", [
    ("By Maren Olsen", "Maren Olsen"),  # the byline's lead word
    ("von Maren Olsen", "Maren Olsen"),
    ("Analysis by Maren Olsen", "Maren Olsen"),
    ("Maren Olsen @marenolsen", "Maren Olsen"),  # a handle
    ("Maren Olsen maren@fjordposten.example", "Maren Olsen"),  # an e-mail address
    ("Maren Olsen | Fjordposten Media for Fjordposten.example", "Maren Olsen"),  # the outlet
    ("Maren Olsen, fjordposten.example", "Maren Olsen"),
    ("Maren Olsen - Fjordposten contributor", "Maren Olsen"),
    ("Ursula von der Brügge", "Ursula von der Brügge"),  # a particle of the name stays
    ("Alexa von Heyden", "Alexa von Heyden"),
    ("Maren Olsen, Reuters", "Maren Olsen, Reuters"),  # another outlet: left as declared
    ("Text: Maren Olsen", "Maren Olsen"),  # a label
    ("All posts by Maren Olsen", "Maren Olsen"),  # an author link's text
    ("Maren Olsen - https://marenolsen.example", "Maren Olsen"),  # a web address
])
def test_author_names_lose_what_the_byline_puts_around_them(declared, name):
    html = head('<meta property="og:site_name" content="Fjordposten">',
                f'<meta name="author" content="{declared}">')
    assert metadata_of(html, "https://www.fjordposten.example/2024/06/ferja.html").authors == [name]


def test_markup_and_entities_in_a_json_ld_author_name_are_removed():
    html = ld('{"@type": "Article", "author": {"@type": "Person", '
              '"name": "<a href=\\"/autor/jan-nowak\\">Jan Nowak</a>"}, '
              '"creator": "Redacci&oacute;n"}')
    assert metadata_of(html).authors == ["Jan Nowak"]


def test_the_site_given_as_author_is_no_author_and_the_next_source_is_read():
    """A newsroom's Organization, the site's name or its address in the author field names no
    one; the person the page also declares is the author."""
    html = head('<meta property="og:site_name" content="Valley Courier">',
                '<meta name="author" content="valleycourier.example">',
                '<script type="application/ld+json">{"@type": "NewsArticle", "author": '
                '{"@type": "Organization", "name": "Valley Courier"}, "publisher": '
                '{"@type": "Organization", "name": "Valley Courier"}}</script>',
                body='<p class="byline">By <a rel="author" href="/staff/ray-ortiz">Ray Ortiz</a></p>')
    assert metadata_of(html, "https://www.valleycourier.example/news/flood.html").authors == ["Ray Ortiz"]


def test_the_site_as_the_only_author_gives_no_author():
    html = head('<meta property="og:site_name" content="Valley Courier">',
                '<meta name="author" content="Valley Courier">')
    assert metadata_of(html, "https://valleycourier.example/news/flood.html").authors == []


def test_a_blogger_signing_with_the_blogs_name_as_a_person_stays_the_author():
    html = ld('{"@graph": [{"@type": "WebSite", "name": "Crumbs and Pans"}, '
              '{"@type": "Person", "@id": "https://crumbsandpans.example/#/person/1", '
              '"name": "Crumbs and Pans"}, {"@type": "BlogPosting", '
              '"author": {"@id": "https://crumbsandpans.example/#/person/1"}, '
              '"publisher": {"@id": "https://crumbsandpans.example/#/person/1"}}]}')
    assert metadata_of(html, "https://crumbsandpans.example/2024/rye-bread/").authors == ["Crumbs and Pans"]


def test_tags_for_the_sites_machinery_are_not_tags():
    html = head('<meta property="og:site_name" content="Harbour Herald">',
                '<meta name="keywords" content="ferries, @homepage-river, _no-syndication, '
                '/section/local, post-id:48151, Harbour Herald, harbour &amp; docks, &quot;, '
                'tides: a guide">')
    assert metadata_of(html, "https://harbourherald.example/a/1").tags == [
        "ferries", "harbour & docks", "tides: a guide"]


def test_a_json_ld_article_in_the_body_outweighs_the_heads_meta_tags():
    """Themes print the post's JSON-LD beside the post: its author and date are the
    article's, over a <meta name=author> naming the site's account."""
    html = head('<meta name="author" content="webdesk">',
                '<meta property="article:published_time" content="2023-03-09T10:00:00">',
                body='<article><h1>Spring tides</h1><script type="application/ld+json">'
                     '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Ines Calvo"}, '
                     '"datePublished": "2023-03-08T18:30:00+01:00", '
                     '"dateModified": "2023-03-09T10:00:00+01:00"}</script><p>Text.</p></article>')
    meta = metadata_of(html)
    assert meta.authors == ["Ines Calvo"]
    assert meta.published == "2023-03-08T18:30:00+01:00"
    assert meta.modified == "2023-03-09T10:00:00+01:00"


@pytest.mark.parametrize("declared, names", [
    ("By Maren Olsen and Jonas Berg", ["Maren Olsen", "Jonas Berg"]),
    ("Maren Olsen & Jonas Berg Dahl", ["Maren Olsen", "Jonas Berg Dahl"]),
    ("Berg & Co. Consulting AS", ["Berg & Co. Consulting AS"]),  # a firm's name stays whole
    ("José Maria e Silva Souza", ["José Maria e Silva Souza"]),  # a particle inside a name
    ("/authors/maren-olsen", []),  # an address, no name
])
def test_several_authors_in_one_field_are_split_and_addresses_are_no_names(declared, names):
    html = head(f'<meta name="author" content="{declared}">')
    assert metadata_of(html).authors == names


@pytest.mark.parametrize("declared", [
    "Fjordposten.example GmbH, Bergen, Norway",  # the site's address and where it is
    "Fjordposten /mo",  # the site's newsroom, signed with initials
])
def test_the_site_with_its_place_or_initials_is_no_author(declared):
    html = head('<meta property="og:site_name" content="Fjordposten">',
                f'<meta name="author" content="{declared}">')
    assert metadata_of(html, "https://fjordposten.example/a/1").authors == []


def test_a_person_named_as_the_publishing_organization_is_no_author():
    html = ld('{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Valley Courier"}, '
              '"publisher": {"@type": "NewsMediaOrganization", "name": "Valley Courier"}}')
    assert metadata_of(html, "https://valleycourier.example/a/1").authors == []


def test_authors_of_related_posts_and_comments_are_not_the_articles():
    """Microdata belongs to its nearest item: a related post's card (an <article> in the
    article) and an <aside> of other posts have their own authors."""
    html = head(body="""
        <article itemscope itemtype="https://schema.org/BlogPosting">
          <h1 itemprop="headline">Salt roads</h1>
          <span itemprop="author" itemscope itemtype="https://schema.org/Person">
            <span itemprop="name">Ines Calvo</span></span>
          <p>Text.</p>
          <article itemscope itemtype="https://schema.org/BlogPosting" class="card">
            <span itemprop="author">Tom Reyes</span></article>
        </article>
        <aside><article><a rel="author" href="/u/lia">Lia Moss</a></article></aside>""")
    assert metadata_of(html).authors == ["Ines Calvo"]


def test_rel_author_links_in_an_aside_are_other_posts_authors():
    html = head(body='<main><p>Text.</p></main><aside class="more"><ul><li><a href="/p/2">Two</a> '
                     '<a rel="author" href="/u/lia">Lia Moss</a></li></ul></aside>')
    assert metadata_of(html).authors == []


def test_a_forum_post_is_read_as_an_article():
    html = ld('{"@type": "DiscussionForumPosting", "author": {"@type": "Person", "name": "kettle_42"}, '
              '"datePublished": "2022-10-04T21:07:00+02:00"}')
    meta = metadata_of(html)
    assert meta.authors == ["kettle_42"]
    assert meta.published == "2022-10-04T21:07:00+02:00"


def test_a_locale_written_with_an_underscore_is_a_language_tag():
    assert metadata_of('<html lang="de_AT"><head></head></html>').language == "de-AT"


def test_a_day_alone_takes_the_time_another_source_gives_that_day():
    html = head('<meta property="article:published_time" content="2021-03-02T09:15:00+01:00">',
                '<script type="application/ld+json">{"@type": "BlogPosting", '
                '"datePublished": "2021-03-02"}</script>')
    assert metadata_of(html).published == "2021-03-02T09:15:00+01:00"


@pytest.mark.parametrize("other", ["2021-03-02T00:00:00+00:00", "2021-03-01T09:15:00+01:00"])
def test_a_day_alone_stays_when_no_other_source_gives_its_time(other):
    """Midnight is a day written as a time; another day is another date."""
    html = head(f'<meta property="article:published_time" content="{other}">',
                '<script type="application/ld+json">{"@type": "BlogPosting", '
                '"datePublished": "2021-03-02"}</script>')
    assert metadata_of(html).published == "2021-03-02"


def test_tokens_of_a_sites_taxonomy_are_not_tags():
    html = head('<meta name="keywords" content="cat_local-news, type_article, ://about:blank, '
                'tide tables, R&amp;D, #spring_tides">')
    assert metadata_of(html).tags == ["tide tables", "R&D", "#spring_tides"]  # a hashtag stays


def test_a_time_without_its_offset_takes_the_offset_another_source_gives_that_time():
    html = head('<meta property="article:published_time" content="2023-05-09T18:05:00+02:00">',
                '<meta property="article:modified_time" content="2023-05-10T07:30:00+02:00">',
                '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2023-05-09 18:05:00", "dateModified": "2023-05-10T07:30:00"}</script>')
    meta = metadata_of(html)
    assert meta.published == "2023-05-09T18:05:00+02:00"
    assert meta.modified == "2023-05-10T07:30:00+02:00"


def test_a_time_without_offset_stays_when_no_source_gives_that_time_with_one():
    html = head('<meta property="article:published_time" content="2023-05-09T18:06:00+02:00">',
                '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2023-05-09T18:05:00"}</script>')
    assert metadata_of(html).published == "2023-05-09T18:05:00"


def test_the_publishers_logo_given_as_the_pages_image_is_not_the_articles_image():
    html = head('<meta property="og:image" content="https://harbourherald.example/img/logo-square.png">',
                '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"image": {"@type": "ImageObject", "url": "/photos/2024/ferry-dock.jpg"}, '
                '"publisher": {"@type": "Organization", "name": "Harbour Herald", "logo": '
                '{"@type": "ImageObject", "url": "https://harbourherald.example/img/logo-square.png"}}}'
                '</script>')
    assert metadata_of(html, "https://harbourherald.example/a/1").image == \
        "https://harbourherald.example/photos/2024/ferry-dock.jpg"


def test_only_the_logo_gives_no_image():
    html = head('<meta property="og:image" content="/img/logo.png">',
                '<script type="application/ld+json">{"@type": "Organization", "name": "Harbour Herald", '
                '"logo": "/img/logo.png"}</script>')
    assert metadata_of(html, "https://harbourherald.example/a/1").image is None
