"""Headline, share URL, navigation links and comment form on pages from many CMSs and themes.

Each `tests/fixtures/parts-*.html` is modelled on one markup family (WordPress themes,
tagDiv, JNews, Elementor, Drupal, Ghost, Blogger, Joomla, a custom CMS...) in its own
language, with the traps real pages hold. Beside it, `parts-*.expected.json` holds the
page's URL and every part as a reader of the page would name it. The focused tests
below pin the rules the traps exercise.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.extract import extract
from scraper.extract._lexicon import is_direction_label, is_required_marker, label_direction
from scraper.extract._links import PageAddress
from scraper.extract._markup import name_attributes
from scraper.extract.comment_form import extract_comment_form
from scraper.extract.document import parse_document
from scraper.extract.headline import extract_headline
from scraper.extract.navigation import extract_links
from scraper.extract.share import extract_share_urls

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(FIXTURES.glob("parts-*.html"))
PARTS = ("title", "share_url", "canonical_url", "shortlink", "links", "comment_form")


def test_there_are_enough_fixture_pages():
    assert len(PAGES) >= 12
    for page in PAGES:
        assert page.with_suffix(".expected.json").exists(), page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_part_matches_the_expected_json(page: Path):
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    found = extract(page.read_text(encoding="utf-8"), expected["url"]).to_dict()
    for part in PARTS:  # one part at a time, so a failure names the part
        assert found[part] == expected[part], f"{page.name}: {part}"


# -- focused rules ----------------------------------------------------------------------------

PAGE_URL = "https://news.example/2025/05/bridge-closed/"


def doc_of(body: str, head: str = "", url: str = PAGE_URL):
    return parse_document(f"<!doctype html><html><head>{head}</head><body>{body}</body></html>", url)


def links_of(body: str, head: str = "", url: str = PAGE_URL) -> list[tuple[str, str, str | None]]:
    return [(l.kind, l.href, l.title) for l in extract_links(doc_of(body, head, url))]


def test_headline_in_h2_when_the_h1_is_the_site_logo():
    doc = doc_of('<header><h1 class="site-title"><a href="/">Island Post</a></h1></header>'
                 '<article><h2 class="entry-title">Bridge closed for repairs</h2><p>Text.</p></article>',
                 "<title>Bridge closed for repairs | Island Post</title>")
    assert extract_headline(doc) == "Bridge closed for repairs"


def test_headline_prefers_the_visible_heading_over_a_social_title():
    doc = doc_of("<main><h1>Bridge to close for three months from May</h1></main>",
                 '<meta property="og:title" content="Bridge to close for three months">')
    assert extract_headline(doc) == "Bridge to close for three months from May"


def test_headline_falls_back_to_title_without_the_site_name():
    doc = doc_of("<p>No heading at all.</p>",
                 '<title>Bridge closed – Island Post</title><meta property="og:site_name" content="Island Post">')
    assert extract_headline(doc) == "Bridge closed"


def test_a_section_heading_in_the_body_is_not_the_headline():
    """The visible <h1> words the title apart from the metadata; a section heading in the
    body that repeats the metadata's words is the body's, not the article's headline."""
    head = '<meta property="og:title" content="Night ferries: sail late or stay over? Our tips">'
    body = ('<article><header class="entry-header"><h1 class="entry-title">The night ferry: a'
            ' crossing guide</h1></header><div class="{body}"><p>Text.</p><div class="wpb_wrapper">'
            '<h2 id="summary">In short – Night ferries: sail late or stay over?</h2></div>'
            '<p>More text.</p></div></article>')
    for body_class in ("entry-content", "post-content clearfix"):
        assert extract_headline(doc_of(body.format(body=body_class), head)) == \
            "The night ferry: a crossing guide"
    article_body = body.replace('class="{body}"', 'itemprop="articleBody"')
    assert extract_headline(doc_of(article_body, head)) == "The night ferry: a crossing guide"


def test_a_wrapper_that_switches_the_sidebar_off_is_no_sidebar():
    """A magazine theme marks the post's wrapper `sidebar-off`: its <h1> is the article's,
    taken when it words the title apart from the metadata; a real sidebar's is not."""
    head = '<meta property="og:title" content="Harbour lights: every lamp worth seeing, listed">'
    body = ('<div class="site"><div class="widget-area sidebar"><h1 class="widget-title">Latest'
            ' posts</h1></div><div class="post-wrap {layout} post-12 post"><div class="hero-wrap">'
            '<div class="meta-wrap"><h1 class="entry-title">A walk past the old quay lamps at '
            'dusk</h1></div></div><div class="entry-content"><p>Text.</p></div></div></div>')
    for layout in ("sidebar-off", "sidebar-none menu-disabled"):
        assert extract_headline(doc_of(body.format(layout=layout), head)) == \
            "A walk past the old quay lamps at dusk"


def test_headline_from_title_without_a_site_name_the_host_gives():
    """With no og:site_name, the part of the <title> that names the host is the site's."""
    url = "https://www.harbour-light.example/news/ferry/"
    for title in ("harbour-light.example | Ferry timetable", "Ferry timetable | Harbour ♥ Blog",
                  "Harbour Light - Ferry timetable"):
        doc = doc_of("<p>No heading at all.</p>", f"<title>{title}</title>", url)
        assert extract_headline(doc) == "Ferry timetable", title
    kept = doc_of("<p>No heading at all.</p>", "<title>Ferry timetable | Summer 2025</title>", url)
    assert extract_headline(kept) == "Ferry timetable | Summer 2025"


def test_headline_from_a_title_past_a_head_cut_short():
    """A stray element in <head> ends it there: the <title> after it lands in <body>."""
    doc = doc_of("<p>No heading at all.</p>", '<script>var ad = 1;</script><div id="preroll">'
                 '</div><title>Tide tables for the spring – Harbour notes</title>')
    assert extract_headline(doc) == "Tide tables for the spring – Harbour notes"


def test_share_and_headline_metadata_past_a_head_cut_short_among_other_stray_tags():
    """Past a head cut short, the <link>/<meta>s land in <body> among others of their kind:
    each lookup finds its own (names in any case, a value among others), never a look-alike."""
    head = ('<div id="preroll"></div><meta name="og:url" content="https://news.example/wrong/">'
            '<meta property="og:urlx" content="https://news.example/wrong-too/">'
            '<link rel="stylesheet shortlinks" href="https://news.example/?p=1">'
            '<link rel="Alternate ShortLink" href="https://news.example/?p=12">'
            '<meta property="OG:URL" content="https://news.example/2025/05/bridge-closed/">'
            '<meta property="og:title" content="Bridge closed for the summer">')
    doc = doc_of("<p>No heading at all.</p>", head)
    urls = extract_share_urls(doc)
    assert urls.shortlink == "https://news.example/?p=12"
    assert urls.share_url == "https://news.example/2025/05/bridge-closed/"
    assert extract_headline(doc) == "Bridge closed for the summer"


def test_share_url_prefers_the_copy_box_that_matches_the_canonical():
    doc = doc_of('<input readonly type="text" value="https://news.example/?p=12">'
                 '<input readonly type="text" value="https://news.example/2025/05/bridge-closed/">',
                 '<link rel="canonical" href="https://news.example/2025/05/bridge-closed/">'
                 '<link rel="shortlink" href="https://news.example/?p=12">')
    urls = extract_share_urls(doc)
    assert urls.share_url == "https://news.example/2025/05/bridge-closed/"
    assert urls.shortlink == "https://news.example/?p=12"


def test_share_url_ignores_copy_boxes_of_other_sites_and_embedded_media():
    doc = doc_of('<input type="text" value="https://elsewhere.example/article/">'
                 '<figure class="video"><textarea readonly>https://news.example/video/123</textarea></figure>',
                 '<meta property="og:url" content="https://news.example/2025/05/bridge-closed/">')
    assert extract_share_urls(doc).share_url == "https://news.example/2025/05/bridge-closed/"


def test_share_url_ignores_url_fields_of_real_forms_and_hidden_inputs():
    doc = doc_of('<form action="/login"><input type="text" name="redirect" value="https://news.example/me/">'
                 '<button>Log in</button></form>'
                 '<input type="text" style="display:none" value="https://news.example/track/">',
                 '<link rel="canonical" href="https://news.example/2025/05/bridge-closed/">')
    assert extract_share_urls(doc).share_url == "https://news.example/2025/05/bridge-closed/"


def test_share_url_reads_a_clipboard_button_that_copies_title_and_url():
    doc = doc_of('<a class="copy-button" data-clipboard-text="Bridge closed https://news.example/b/">Copy</a>')
    assert extract_share_urls(doc).share_url == "https://news.example/b/"


def test_share_url_resolves_against_base_href():
    doc = doc_of("", '<base href="https://news.example/en/"><link rel="canonical" href="bridge-closed">',
                 url="https://cdn.example/cache/123.html")
    assert extract_share_urls(doc).share_url == "https://news.example/en/bridge-closed"


def test_share_url_from_json_ld_drops_the_fragment():
    doc = doc_of("", '<script type="application/ld+json">{"@type": "NewsArticle", '
                     '"mainEntityOfPage": {"@id": "https://news.example/a/#webpage"}}</script>')
    assert extract_share_urls(doc).share_url == "https://news.example/a/"


def test_rel_next_to_page_two_of_the_article_is_not_post_navigation():
    head = '<link rel="next" href="https://news.example/2025/05/bridge-closed/2/">'
    body = ('<div class="page-links"><a href="?page=2" rel="next">2</a></div>'
            '<nav class="comment-navigation"><div class="nav-previous">'
            '<a href="https://news.example/2025/05/bridge-closed/comment-page-1/#comments">Older comments</a>'
            '</div></nav><a class="next page-numbers" href="https://news.example/page/2/">Next</a>')
    assert links_of(body, head) == []


def test_links_to_a_numbered_page_of_a_pager_or_a_feed_are_not_post_navigation():
    """Drupal numbers the pages of an article, and of every pager on a page, in the query
    ('?page=0,1'); an endless feed under the article loads '?page=1'. No article of the site
    is addressed by a page number, wherever the link leads."""
    body = ('<article><h1>Harbour tolls</h1><p>Text.</p><nav class="pager" role="navigation">'
            '<ul class="pager__items"><li class="pager__item pager__item--next">'
            '<a href="?page=0%2C%2C1" rel="next">Next page ››</a></li></ul></nav></article>'
            '<div id="feed" class="region-feed"><a class="infinite-more-link use-ajax" '
            'href="/lazyloading/node/4711/nojs?page=1" rel="next"><span>next ›</span></a></div>'
            '<div class="block-views"><a class="next" href="/?page=0%2C1">More news</a></div>')
    url = "https://news.example/articles/harbour-tolls"
    assert links_of(body, url=url) == []
    # A page number the page's own address carries is no other page.
    own = "https://news.example/view.php?idx=77&page=1"
    assert links_of('<h1>Tolls</h1><div class="nav-next"><a href="/view.php?idx=78&page=1">'
                    'Ferry timetable for the winter</a></div>', url=own) == [
        ("next", "https://news.example/view.php?idx=78&page=1", "Ferry timetable for the winter")]


def test_an_id_written_out_from_a_name_says_no_direction():
    body = ('<article><h1>Harbour tolls</h1><div class="byline"><a id="profile-ana.lim" '
            'href="/profile/ana.lim">Ana Lim</a> from <a id="profile-the.next.wave" '
            'href="/profile/the.next.wave">The Next Wave</a></div><p>Text.</p></article>')
    assert links_of(body) == []


def test_next_before_prev_in_the_page_keeps_its_kind():
    body = ('<nav class="post-nav"><a rel="next" href="/2025/05/ferry/">Ferry fares rise</a>'
            '<a rel="prev" href="/2025/05/school/">School bus contract reopened</a></nav>')
    assert links_of(body) == [("prev", "https://news.example/2025/05/school/", "School bus contract reopened"),
                              ("next", "https://news.example/2025/05/ferry/", "Ferry fares rise")]


def test_direction_labels_are_stripped_by_structure_and_by_language():
    body = ('<div class="nav-previous"><a href="/a/" rel="prev"><span class="meta-nav">Předchozí</span>'
            '<span class="post-title">Most otevřen</span></a></div>'
            '<div class="nav-next"><a href="/b/" rel="next"><small>次の記事</small><br>橋の工事が終わる</a></div>')
    assert links_of(body) == [("prev", "https://news.example/a/", "Most otevřen"),
                              ("next", "https://news.example/b/", "橋の工事が終わる")]


def test_a_label_in_the_same_text_as_the_title_is_dropped():
    body = ('<div class="single-nav"><a class="nav-prev" href="/a/">« Poprzedni wpis: Most otwarty</a>'
            '<a class="nav-next" href="/b/">Next: Ferry fares rise →</a></div>')
    assert links_of(body) == [("prev", "https://news.example/a/", "Most otwarty"),
                              ("next", "https://news.example/b/", "Ferry fares rise")]


def test_a_link_showing_only_a_label_has_no_title():
    body = ('<div class="blog-pager" id="blog-pager"><span id="blog-pager-newer-link">'
            '<a class="blog-pager-newer-link" href="/n.html" title="Newer Post">Newer Post</a></span>'
            '<span id="blog-pager-older-link"><a class="blog-pager-older-link" href="/o.html" '
            'title="Older Post">Older Post</a></span></div>')
    assert links_of(body) == [("prev", "https://news.example/o.html", None),
                              ("next", "https://news.example/n.html", None)]


def test_carousel_arrows_and_sidebar_widgets_are_not_post_navigation():
    body = ('<div class="owl-carousel"><a class="owl-next" href="/2025/05/other/">›</a></div>'
            '<aside id="secondary"><div class="sidebar widget"><a rel="next" href="/2025/05/x/">X</a></div></aside>'
            '<main><h1>Bridge</h1></main>')
    assert links_of(body) == []


def test_related_block_in_page_order_deduplicated_without_site_wide_widgets():
    body = ('<main><h1>Bridge</h1><div class="related-posts">'
            '<article><a href="/r1/"><img alt=""></a><h3><a href="/r1/">First related</a></h3></article>'
            '<article><h3><a href="/r2/">Second related</a></h3><a href="/category/roads/" class="cat">Roads</a></article>'
            '<article><h3><a href="/r1/">First related</a></h3></article></div></main>'
            '<aside class="sidebar"><div class="widget popular-posts related"><h3><a href="/p/">Popular</a></h3></div>'
            '<div class="widget_recent_entries"><ul><li><a href="/n/">Newest</a></li></ul></div></aside>')
    assert links_of(body) == [("related", "https://news.example/r1/", "First related"),
                              ("related", "https://news.example/r2/", "Second related")]


def test_a_related_block_titling_its_cards_with_h1_is_still_related():
    """Some news templates title each teaser with an <h1>; a block named related holding
    two or more of them, each a link, lists teasers. One holding the page's <h1> is the
    article's own wrapper."""
    teasers = "".join(f"<article class='story-tease'><h1 class='tease-title'><a href='{path}'>"
                      f"{title}</a></h1></article>" for title, path in TEASERS)
    block = (f"<aside class='related-stories content-element'><div class='related-header'><h1>"
             f"Relacionadas:</h1></div>{teasers}</aside>")
    assert links_of(ARTICLE + "</article>" + block) == [
        ("related", "https://news.example" + path, title) for title, path in TEASERS]
    # An <h1> titling the block itself ('Read also:', linking nowhere) is no headline either;
    # a block of the day's headlines is the site's, whatever else it says.
    titled = "".join(f"<aside class='entry__related'><h1 class='block__title'><a href=''><span>"
                     f"Leggi anche:</span></a></h1><article class='entry'><h2><a href='{path}'>"
                     f"{title}</a></h2></article></aside>" for title, path in TEASERS[:2])
    assert links_of(ARTICLE + titled + "</article>") == [
        ("related", "https://news.example" + path, title) for title, path in TEASERS[:2]]
    today = ("<div class='related cfix' id='todays-headlines'><h1><strong>Today's</strong> "
             f"Headlines</h1><ul><li><a href='{TEASERS[0][1]}'>{TEASERS[0][0]}</a></li></ul></div>")
    assert links_of(ARTICLE + "</article>" + today) == []
    wrapper = ("<div class='has-related-posts post'><h1>Bridge closed for repairs</h1><p>Text."
               "</p><ul><li><a href='/2025/04/school-bus/'>School bus contract reopened</a></li>"
               "</ul></div>")
    assert links_of(wrapper) == []


def test_related_plain_list_keeps_short_titles_of_articles_but_not_topic_chips():
    body = ("<main><h1>Bridge</h1><div class='yarpp yarpp-related'><h3>Related posts:</h3><ol>"
            "<li><a href='/2024/03/spring-cleaning/' rel='bookmark'>Spring cleaning</a></li>"
            "<li><a href='/latest/china'>China</a></li></ol></div></main>")
    assert links_of(body) == [("related", "https://news.example/2024/03/spring-cleaning/", "Spring cleaning")]


ARTICLE = ("<article><h1>Bridge closed for repairs</h1><div class='entry-content'>"
           "<p>The bridge closes on Monday for three months while the deck is replaced.</p></div>")


def cards(*titles_and_paths: tuple[str, str], tag: str = "div") -> str:
    return "".join(f"<{tag} class='card'><a href='{path}'><img src='/i.jpg' alt=''></a>"
                   f"<h3><a href='{path}'>{title}</a></h3><time>May 2025</time></{tag}>"
                   for title, path in titles_and_paths)


TEASERS = (("Ferry fares rise in June", "/2025/05/ferry-fares/"),
           ("School bus contract reopened", "/2025/04/school-bus/"),
           ("New cycle lane on the quay", "/2025/04/cycle-lane/"))


def test_a_headed_card_grid_after_the_article_is_related_whatever_its_classes():
    body = (ARTICLE + "</article><div id='comments'><p>No comments yet.</p></div>"
            "<section class='box-x'><h2>Lees ook</h2><div class='grid'>" + cards(*TEASERS)
            + "</div></section>")
    assert links_of(body) == [("related", "https://news.example" + path, title)
                              for title, path in TEASERS]


def test_boxes_built_like_the_first_related_box_right_after_it_are_related_too():
    """A Drupal theme shows 'More on this topic' and 'Also interesting' in two blocks of one
    template; a box of another template after them is not."""
    more = (("Harbour dredging to start in July", "/2025/05/harbour-dredging/"),
            ("Ferry timetable for the winter season", "/2025/03/ferry-winter/"))
    box = "<div class='block'><h2 class='heading-divider'>{}</h2><div class='cols'>{}</div></div>"
    body = (ARTICLE + "</article><div class='no-print block'>"
            + box.format("Meer over dit onderwerp", cards(*TEASERS))
            + box.format("Ook interessant", cards(*more))
            + "<div class='block strip'><h2>Uit het archief</h2><div class='cols'>"
            + cards(("Harbour map poster in three sizes", "/2025/01/harbour-poster/"),
                    ("Quay lamps calendar for next year", "/2025/01/quay-calendar/"))
            + "</div></div></div>")
    assert links_of(body) == [("related", "https://news.example" + path, title)
                              for title, path in (*TEASERS, *more)]
    # A box under the same heading as the first repeats it (its next slide): not another one.
    repeat = body.replace("Ook interessant", "Meer over dit onderwerp")
    assert links_of(repeat) == [("related", "https://news.example" + path, title)
                                for title, path in TEASERS]


def test_a_long_body_full_of_inline_links_does_not_hide_the_related_grid_after_it():
    paragraphs = "".join(f"<p>The works on the <a href='/2025/0{n % 9 + 1}/note-{n}/'>span {n}</a>"
                         " go on through the night, with the west lane closed.</p>"
                         for n in range(80))
    body = (ARTICLE.replace("</div>", paragraphs + "</div>") + "</article>"
            "<section><h2>Read this next</h2><ul>" + cards(*TEASERS, tag="li") + "</ul></section>")
    assert links_of(body) == [("related", "https://news.example" + path, title)
                              for title, path in TEASERS]


def test_a_post_wrapper_naming_its_tags_in_classes_is_no_region_beside_the_article():
    # WordPress's post_class lists the post's terms: `tag-video`, `category-social-media`.
    body = ("<article class='single'><div class='post-head'><h1>Bridge closed for repairs</h1>"
            "</div><div class='post post-41 type-post hentry category-social-media tag-video'>"
            "<p>The bridge closes on Monday for three months while the deck is replaced.</p>"
            "<h4>Aanbevolen berichten</h4><div class='row'>" + cards(*TEASERS)
            + "</div></div></article>")
    assert links_of(body) == [("related", "https://news.example" + path, title)
                              for title, path in TEASERS]


def test_card_lists_without_a_heading_in_a_sidebar_or_inside_the_text_are_not_related():
    grid = "<div class='grid'>" + cards(*TEASERS) + "</div>"
    assert links_of(ARTICLE + "</article>" + grid) == []  # no heading of its own
    assert links_of(ARTICLE + "</article><div class='sidebar'><h2>Latest</h2>" + grid + "</div>") == []
    assert links_of(ARTICLE + "<h2>See also</h2>" + grid + "<p>" + "More of the story. " * 10
                    + "</p></article>") == []  # amid the body's paragraphs


def test_boxes_leading_to_the_sites_other_services_are_not_related():
    services = (("Read this issue as e-paper", "https://epaper.news.example/2025/05/issue-19/"),
                ("Subscribe for a year now", "https://abo.news.example/offers/yearly-print-plan"),
                ("Order back issues online", "https://shop.news.example/issues/2025-19-print"))
    body = (ARTICLE + "</article><div class='column-small'><h3>The weekly, issue 19/2025</h3>"
            + cards(*services) + "</div>")
    assert links_of(body) == []


def test_a_section_feed_under_a_heading_linking_to_the_section_is_not_related():
    body = (ARTICLE + "</article><section><h2><a href='/sport/'>More from Sport</a></h2><div>"
            + cards(*TEASERS) + "</div></section>")
    assert links_of(body) == []


def test_prev_next_by_arrows_labels_and_position_without_rel_or_class_words():
    pair = ("<div class='links'><a href='/2025/05/ferry/'>‹ Ferry fares rise</a>"
            "<a href='/2025/05/school/'>School bus contract reopened ›</a></div>")
    assert links_of(ARTICLE + "</article>" + pair) == [
        ("prev", "https://news.example/2025/05/ferry/", "Ferry fares rise"),
        ("next", "https://news.example/2025/05/school/", "School bus contract reopened")]
    labelled = ("<div class='x'><div><a href='/2025/05/b/'><span>Nowszy wpis</span> Most otwarty"
                "</a></div><div><a href='/2025/05/a/'><span>Starszy wpis</span> Prom tańszy</a>"
                "</div></div>")
    assert links_of(ARTICLE + "</article>" + labelled) == [
        ("prev", "https://news.example/2025/05/a/", "Prom tańszy"),
        ("next", "https://news.example/2025/05/b/", "Most otwarty")]
    by_position = ("<nav aria-label='Posts'><a href='/2025/05/ferry/'>Ferry fares rise in June</a>"
                   "<a href='/2025/05/school/'>School bus contract reopened</a></nav>")
    assert links_of(ARTICLE + "</article>" + by_position) == [
        ("prev", "https://news.example/2025/05/ferry/", "Ferry fares rise in June"),
        ("next", "https://news.example/2025/05/school/", "School bus contract reopened")]


def test_unnamed_prev_next_never_lead_to_this_page_its_pages_a_listing_or_another_shape():
    pair = ("<div class='links'><a href='/2025/05/bridge-closed/2/'>‹ Page 2</a>"
            "<a href='/category/roads/'>All road news ›</a></div>"
            "<div><a href='/about/'>« Who we are</a></div>")
    assert links_of(ARTICLE + "</article>" + pair) == []


def test_a_pager_with_page_numbers_is_no_post_navigation_whatever_its_rel_and_classes():
    thread = "https://forum.example/phones/8812-battery-drains-overnight-after-update-4.html"
    page = "https://forum.example/phones/8812-battery-drains-overnight-after-update-{}.html"
    pager = ("<div class='pagenav'><form class='pagination'>"
             f"<span class='prev_next'><a rel='prev' href='{page.format(3)}'>&lsaquo;</a></span>"
             + "".join(f"<span><a href='{page.format(n)}'>{n}</a></span>" for n in (1, 2, 3))
             + "<span class='selected'><a href='#'>4</a></span>"
             f"<span><a href='{page.format(5)}'>5</a></span>"
             f"<span class='prev_next'><a rel='next' href='{page.format(5)}'>&rsaquo;</a></span>"
             "</form></div>")
    head = (f"<link rel='prev' href='{page.format(3)}'><link rel='next' href='{page.format(5)}'>"
            f"<link rel='canonical' href='{thread}'>")
    body = f"<h1>Battery drains overnight after update</h1>{pager}<ol><li><p>Same here.</p></li></ol>"
    assert links_of(body, head, url=thread) == []
    # Post navigation beside the numbered pages of a paged article is still found.
    nav = ("<nav class='post-navigation'><div class='nav-previous'><a rel='prev' "
           "href='/2025/05/ferry/'>Ferry fares rise in June</a></div></nav>")
    assert links_of(ARTICLE + "</article>" + nav) == [
        ("prev", "https://news.example/2025/05/ferry/", "Ferry fares rise in June")]


def test_an_articles_pager_on_its_first_page_is_no_post_navigation():
    """On page 1 of a paged article the pager shows '1' unlinked, links page 2, and a
    'next page' link to it: page numbers, not post navigation, whatever the address."""
    url = "https://news.example/history/news-the-long-fast,nId,77120"
    pager = ("<div class='article-pagination'><ul><li class='current'><span>1</span></li><li><a "
             "href='/history/news-the-long-fast,nId,77120,nPack,2'><span>2</span></a></li><li "
             "class='next'><a href='/history/news-the-long-fast,nId,77120,nPack,2'><span><b>Dalsza"
             "</b> strona</span></a></li></ul></div>")
    assert links_of(f"<article><h1>The long fast</h1><p>Text.</p>{pager}</article>", url=url) == []


def test_a_block_inside_a_named_one_cannot_turn_its_link_the_other_way():
    """A theme names the box of the next story 'storyNext' and, inside it, reuses the
    markup of the previous one (`content prev`): the box says the direction."""
    box = ("<div class='prevnext-story' id='story{0}'><a href='/2025/05/{1}/'><div class="
           "'content {2}'><div class='texte'><p class='text-{2}'>{3}</p></div><div class='arrow'>"
           "<span class='icon-arrow-{4}'></span></div></div></a></div>")
    body = (ARTICLE + box.format("Next", "ferry", "prev", "Ferry fares rise in June", "right")
            + box.format("Prev", "school", "next", "School bus contract reopened", "left")
            + "</article>")
    assert [(kind, href) for kind, href, _ in links_of(body)] == [
        ("prev", "https://news.example/2025/05/school/"),
        ("next", "https://news.example/2025/05/ferry/")]


def test_a_block_name_both_directions_share_says_neither():
    """tagDiv's cloud templates give both blocks the class `tdb-next-post` and tell them
    apart by `tdb-post-prev` and `tdb-post-next`."""
    block = ("<div class='tdb-next-post tdb-next-post-bg tdb-post-{0}'><span>{1}</span><a href='"
             "/2025/05/{2}/'>{3}</a></div>")
    body = (ARTICLE + "</article><div class='tdb-block-inner td-fix-index'>"
            + block.format("prev", "Artículo anterior", "school", "School bus contract reopened")
            + block.format("next", "Artículo siguiente", "ferry", "Ferry fares rise in June")
            + "</div>")
    assert links_of(body) == [
        ("prev", "https://news.example/2025/05/school/", "School bus contract reopened"),
        ("next", "https://news.example/2025/05/ferry/", "Ferry fares rise in June")]


def test_a_direction_named_button_inside_a_widgets_link_is_no_post_navigation():
    """A weather widget's 'more' button is classed `btn-next` inside a link to the forecast
    page; a post-navigation card whose link wraps a `nav-next` block leads to a sibling post."""
    widget = ("<div class='cont-weather'><div class='weather-top'><span>Harbour 17°</span></div>"
              "<a href='/news/stat/weather/port/weather.html'><div class='btn-next'>+</div></a>"
              "</div>")
    card = ("<a href='/2025/05/ferry/'><div class='nav-next'><span>Ferry fares rise in June"
            "</span></div></a>")
    assert links_of(ARTICLE + "</article>" + widget) == []
    assert links_of(ARTICLE + "</article>" + card) == [
        ("next", "https://news.example/2025/05/ferry/", "Ferry fares rise in June")]


def test_an_image_pager_in_the_article_is_no_post_navigation():
    body = (ARTICLE + "<div class='article-media'><span class='imgPager next'><a class='itemPager"
            " next' href='https://news.example/2025/05/bridge-closed-id-4411.html'><span class="
            "'arrow'></span></a></span></div></article>")
    assert links_of(body, url="https://news.example/2025/05/bridge-closed.html") == []
    # Nor is the head's rel=next to the same slide.
    head = "<link rel='next' href='https://news.example/2025/05/bridge-closed-id-4411.html'>"
    assert links_of(body, head, url="https://news.example/2025/05/bridge-closed.html") == []


def test_right_to_left_pages_read_arrows_the_other_way():
    pair = ("<div class='links'><a href='/2025/05/a/'>→ الجسر يفتح</a>"
            "<a href='/2025/05/b/'>العبارة أرخص ←</a></div>")
    doc = parse_document(f"<html dir='rtl'><body>{ARTICLE}</article>{pair}</body></html>", PAGE_URL)
    assert [(l.kind, l.href) for l in extract_links(doc)] == [
        ("prev", "https://news.example/2025/05/a/"), ("next", "https://news.example/2025/05/b/")]


@pytest.mark.parametrize("text, kind", [("← Older", "prev"), ("Next »", "next"),
                                        ("«A quoted title»", None), ("Entrada antigua", "prev"),
                                        ("次の記事", "next"), ("上一篇", "prev"),
                                        ("Read more", None)])
def test_label_direction(text, kind):
    assert label_direction(text) == kind


def test_a_byline_inside_the_heading_is_not_the_headline():
    head = '<meta property="og:title" content="Bridge reopens after repairs">'
    assert extract_headline(doc_of(
        '<article><h1 class="entry-title">Bridge reopens after repairs <span class="byline">by Ana'
        ' Lim · <time>April 21, 2022</time></span></h1></article>', head)) == "Bridge reopens after repairs"
    assert extract_headline(doc_of(  # no class says so: the metadata does
        "<article><h1>Bridge reopens after repairs <span>by Ana Lim, April 21, 2022</span></h1>"
        "</article>", head)) == "Bridge reopens after repairs"
    assert extract_headline(doc_of(  # a title the metadata shares is kept whole
        "<article><h1>Bridge reopens <em>after</em> repairs</h1></article>", head)) == \
        "Bridge reopens after repairs"


def test_a_teasers_title_linking_to_another_post_is_not_the_headline():
    """The <title> an SEO plugin writes may match a related post's title better than the
    post's own <h1>: a heading that is wholly a link to another post is a teaser's."""
    head = "<title>Harbour lamps at dusk: which ones to see – Quay Diary</title>"
    body = ('<article class="post"><h1 class="content-title">A long evening on the quay</h1>'
            '<div class="entry"><p>Text.</p></div><div class="related-posts"><div class="grid">'
            '<a href="/2025/04/quay-lamps/"><img alt=""></a><div class="related-excerpt"><h3>'
            '<a href="/2025/04/quay-lamps/">Harbour lamps at dusk</a></h3><i>April 2025</i></div>'
            '</div></div></article>')
    assert extract_headline(doc_of(body, head)) == "A long evening on the quay"
    # A heading linking to the page itself is still its headline.
    own = body.replace('<h1 class="content-title">A long evening on the quay</h1>', "").replace(
        '<div class="entry">', '<h2 class="entry-title"><a href="/2025/05/bridge-closed/">'
        'Harbour lamps at dusk: which ones to see</a></h2><div class="entry">')
    assert extract_headline(doc_of(own, head)) == "Harbour lamps at dusk: which ones to see"


def test_the_sites_name_linking_home_is_not_the_headline():
    """A blog's name in an <h1> linking to its home page matches the name part of a
    <title> like "Post | Blog name" (here the longer part) as well as the post's heading."""
    head = "<title>Ferry notes | The Harbour Light Weekly Journal</title>"
    body = ('<header class="site-header"><hgroup><h1 class="site-title"><a href="{home}" '
            '{rel}>The Harbour Light Weekly Journal</a></h1></hgroup></header>'
            '<div class="content"><div class="post-12 post"><h1 class="entry-title">'
            '<a href="https://news.example/?p=12">Ferry notes</a></h1><p>Text.</p></div></div>')
    for home, rel in (("https://news.example/", 'rel="home"'), ("/", ""),
                      ("https://news.example", ""), ("/?lang=en", "")):
        assert extract_headline(doc_of(body.format(home=home, rel=rel), head)) == "Ferry notes"
    # On the home page itself, the heading linking to it names the page.
    assert extract_headline(doc_of(body.format(home="/", rel=""), head, url="https://news."
                                   "example/")) == "The Harbour Light Weekly Journal"


def test_text_for_screen_readers_only_is_not_the_headline():
    head = '<meta property="og:title" content="Bridge reopens after repairs">'
    label = ('<article><h1 class="page-title"><span class="visually-hidden">Article title:</span> '
             'Bridge reopens after repairs</h1></article>')
    assert extract_headline(doc_of(label, head)) == "Bridge reopens after repairs"
    hidden_h1 = ('<header><h1 class="sr-only">Bridge reopens after repairs | Island Post</h1>'
                 '</header><article><h2 class="title">Bridge reopens after repairs</h2></article>')
    assert extract_headline(doc_of(hidden_h1, "<title>Bridge reopens after repairs | Island "
                                   "Post</title>")) == "Bridge reopens after repairs"
    # A hidden separator between a kicker and the title is how the title reads.
    kicker = ('<article><h1><span class="heading__kicker">Harbour</span><span '
              'class="screen-reader-text">: </span><span class="heading__title">Bridge reopens'
              '</span></h1></article>')
    assert extract_headline(doc_of(kicker, '<meta property="og:title" content="Harbour: Bridge'
                                   ' reopens">')) == "Harbour: Bridge reopens"


FORM_PAGE = "https://news.example/2025/05/bridge-closed/"


def form_of(html: str, head: str = ""):
    return extract_comment_form(doc_of(html, head, FORM_PAGE))


def test_honeypots_are_not_fields():
    form = form_of(
        '<style>.hp-field{position:absolute;left:-5000px}</style>'
        '<form id="commentform" action="/wp-comments-post.php" method="post">'
        '<p><label for="c">Comment</label><textarea id="c" name="comment"></textarea></p>'
        '<p class="hp-field"><input name="website2" type="text"></p>'
        '<p><label>Leave this field blank <input name="trap" type="text"></label></p>'
        '<p style="display:none !important"><textarea name="ak_hp_textarea"></textarea></p>'
        '<input name="hp" type="text" tabindex="-1"></form>')
    assert [f.name for f in form.fields] == ["comment"]



def test_only_rules_whose_selector_names_a_block_hide_it():
    """The page's style sheet is read for the names the form's fields and blocks carry:
    a longer name, a name in a declaration or in a comment hides nothing."""
    css = ('/* .url{display:none} */ .comment-form-author-note{display:none}'
           '.x{background:url(#comment-form-email) no-repeat}.y{display:none}'
           '@media (max-width: 600px) { .wrap .hp-box, .other { visibility: hidden } }')
    form = form_of(
        f'<style>{css}</style>'
        '<form id="commentform" action="/wp-comments-post.php" method="post">'
        '<p><textarea name="comment"></textarea></p>'
        '<p class="comment-form-author"><input name="author" type="text"></p>'
        '<p id="comment-form-email"><input name="email" type="email"></p>'
        '<p class="url"><input name="url" type="url"></p>'
        '<div class="hp-box"><input name="website2" type="text"></div></form>')
    assert [f.name for f in form.fields] == ["comment", "author", "email", "url"]

def test_a_rule_for_a_state_the_block_takes_does_not_hide_it():
    """An AMP comment form hides its field once the comment is sent (a rule on the field's
    block with a state class beside its own); the field is there as the page shows it, and
    the templates of its states ('submitting', 'submit-success') are no notes."""
    css = ('.comments .form-sent .field-row.user-valid,.comments .reply--open{display:none}'
           '.field-row:hover{visibility:hidden}')
    form = form_of(
        f'<style>{css}</style><section class="comments"><form id="comment-write-1" '
        'class="comment-form" method="post" action-xhr="/api/comments">'
        '<div class="field-row"><textarea name="commentText" aria-label="Your comment">'
        '</textarea></div><button type="submit">Send</button>'
        '<div submitting><p>Your comment is being saved...</p></div>'
        '<div submit-success><template type="amp-mustache"><p>Thank you for your comment.</p>'
        '</template></div></form></section>')
    assert [f.name for f in form.fields] == ["commentText"]
    assert form.notes is None


def test_a_sole_textarea_hidden_for_a_rich_editor_is_the_comment_field():
    form = form_of('<div id="comments"><form class="wpd_comm_form" method="post">'
                   '<div style="display: none;"><textarea name="wc_comment"></textarea></div>'
                   '<input name="wc_name" placeholder="Name*"><input type="submit" value="Post"></form></div>')
    assert [(f.name, f.required) for f in form.fields] == [("wc_comment", False), ("wc_name", True)]


def test_required_from_aria_required_and_from_markers_in_any_language():
    form = form_of(
        '<form class="comment-form" action="kommentare/senden" method="POST">'
        '<label>Name (Pflichtfeld) <input name="name"></label>'
        '<label for="m">E-mail <abbr title="obligatoire">*</abbr></label><input id="m" name="mail">'
        '<input name="site" placeholder="Site web">'
        '<textarea name="body" aria-label="Votre commentaire" aria-required="true"></textarea>'
        '<button>Envoyer</button></form>')
    assert [(f.name, f.label, f.required) for f in form.fields] == [
        ("name", "Name", True), ("mail", "E-mail", True), ("site", "Site web", False),
        ("body", "Votre commentaire", True)]
    assert form.action == "https://news.example/2025/05/bridge-closed/kommentare/senden"
    assert form.method == "post"
    assert form.submit == "Envoyer"


def test_javascript_action_is_kept_and_no_method_means_get():
    form = form_of('<div id="comments"><form action="javascript:void(null);">'
                   '<textarea name="comment"></textarea></form></div>')
    assert form.action == "javascript:void(null);"
    assert form.method == "get"


def test_an_amp_form_posts_to_its_action_xhr():
    form = form_of('<div id="comments"><form method="post" action-xhr="/comments/add?post=41" '
                   'target="_top" class="comment-form"><textarea name="comment"></textarea>'
                   '<input type="submit" value="Post"></form></div>')
    assert form.action == "https://news.example/comments/add?post=41"
    assert form.method == "post"


def test_contact_and_search_forms_are_not_comment_forms_and_an_iframe_is_no_form():
    assert form_of('<form class="contact-form commentsblock" action="/contact/"><textarea name="comment">'
                   '</textarea></form><form role="search"><input name="s"></form>'
                   '<div class="comment-form"><iframe id="comment-editor" src="https://blogger.example/c">'
                   '</iframe></div>') is None


def test_a_form_whose_fields_live_in_an_iframe_is_no_form():
    assert form_of('<form id="commentform" class="comment-form" action="/wp-comments-post.php">'
                   '<iframe src="https://jetpack.example/comment/"></iframe>'
                   '<input type="hidden" name="comment_post_ID" value="7"></form>') is None


def test_required_marked_on_the_row_of_one_field():
    form = form_of('<div id="comments"><form class="comment-form" action="/c">'
                   '<div class="field field--required"><input name="nick"></div>'
                   '<div class="field"><textarea name="comment"></textarea></div></form></div>')
    assert [(f.name, f.required) for f in form.fields] == [("nick", True), ("comment", False)]


def test_page_pagination_rules():
    page = PageAddress("https://news.example/2025/05/bridge-closed/")
    assert page.is_pagination("https://news.example/2025/05/bridge-closed/2/")
    assert page.is_pagination("https://news.example/2025/05/bridge-closed/?page=3")
    assert page.is_pagination("https://news.example/2025/05/other-story/comment-page-2/")
    assert page.is_pagination("https://news.example/2025/05/other-story/?cpage=2#comments")
    assert not page.is_pagination("https://news.example/2025/05/other-story/")
    assert page.is_section("https://news.example/2025/")
    assert PageAddress.is_listing("https://news.example/tag/bridges/")
    assert not PageAddress.is_listing("https://news.example/topics/roads/bridge-closed")


@pytest.mark.parametrize("text", ["Previous post", "Posledný Príspevok", "Ďalšie Články", "前の記事",
                                  "次の記事 »", "Предыдущая статья", "이전 글", "←", "Pos Sebelumnya"])
def test_direction_labels(text):
    assert is_direction_label(text)


@pytest.mark.parametrize("text", ["Back to school", "Nobelova cena za literatúru", "東京の桜が満開"])
def test_titles_are_not_direction_labels(text):
    assert not is_direction_label(text)


@pytest.mark.parametrize("text", ["*", "(Pflichtfeld)", "(obligatoire)", "（必須）", "(обязательное)",
                                  "required"])
def test_required_markers(text):
    assert is_required_marker(text)


def test_notes_outside_comment_notes():
    drupal = form_of('<form class="comment-form" action="/comment/reply/1" method="post">'
                     '<label for="m">Mail</label><input id="m" name="mail" type="email">'
                     '<div class="form-item__description">This field is kept private.</div>'
                     '<textarea name="comment_body"></textarea></form>')
    assert drupal.notes == "This field is kept private."
    japanese = form_of('<div id="comments"><form class="comment-form" action="/c" method="post">'
                       '<textarea name="comment"></textarea><small>メールアドレスが公開されることは'
                       'ありません。</small><input name="author"></form></div>')
    assert japanese.notes == "メールアドレスが公開されることはありません。"


def test_a_note_between_the_forms_heading_and_the_form():
    fields = ('<textarea name="comment"></textarea><input name="author">'
              '<input type="submit" value="Send"></form>')
    above = form_of('<div id="comments"><div class="comments-title" id="respond">Leave a comment'
                    '</div><p class="policy">Replies go live once a moderator has seen them.'
                    '</p><form id="commentform" action="/wp-comments-post.php" '
                    'method="post">' + fields + '</div>')
    assert above.notes == "Replies go live once a moderator has seen them."
    wrapped = form_of('<section class="discussion"><h3>Neuer Kommentar</h3><p>Kommentare werden '
                      'vor der Freischaltung geprüft.</p><div class="form-wrap"><form '
                      'class="comment-form" action="/kommentar" method="post">' + fields +
                      '</div></section>')
    assert wrapped.notes == "Kommentare werden vor der Freischaltung geprüft."
    # Past the form's own heading the blocks are the comments', or the page's.
    below_comments = form_of('<div id="comments"><h2>2 comments</h2><ol class="comment-list">'
                             '<li><p>I tried this recipe today and it worked out well.</p></li>'
                             '</ol><div id="respond"><h3 id="reply-title">Leave a Reply</h3>'
                             '<form id="commentform" action="/wp-comments-post.php" method="post">'
                             + fields + '</div></div>')
    assert below_comments.notes is None
    no_heading = form_of('<div class="thread"><div class="message">Nice to read you all again '
                         'after so long.</div><form class="comment-form" action="/reply" '
                         'method="post">' + fields + '</div>')
    assert no_heading.notes is None
    # A note above the form and the form's own notes are both its notes, in page order.
    both = form_of('<div id="respond"><h4 id="reply-title">Leave a Reply</h4><p class="comment-'
                   'notes">Please keep to our <a href="/house-rules/">house rules</a>.</p><form '
                   'id="commentform" action="/wp-comments-post.php" method="post"><p class="'
                   'comment-notes">Your address is never shown. Fields marked * are needed.</p>'
                   + fields + '</div>')
    assert both.notes == ("Please keep to our house rules. Your address is never shown. "
                          "Fields marked * are needed.")


def test_a_note_set_straight_among_the_fields_or_in_a_table_cell():
    """Older hand-made forms put a line of text straight in the form, or lay the form out
    in a table: the line is a note unless it labels a field."""
    loose = form_of('<div id="comments"><form method="post" action="/kommentar.php" '
                    'name="comment">Ihre E-Mail-Adresse wird <b>nicht</b> angezeigt.<br>'
                    'Name: <input name="name"><br>Wie viel ist 3 + 4?<br><input name="q"><br>'
                    '<textarea name="comment"></textarea><br><input type="submit"></form></div>')
    assert loose.notes == "Ihre E-Mail-Adresse wird nicht angezeigt."
    table = form_of('<div id="comments"><form method="post" action="/guestbook/comment">'
                    '<table><tr><td>Your name</td><td><input name="name"></td></tr>'
                    '<tr><td colspan="2">Comments are read before they are shown here.</td></tr>'
                    '<tr><td>Comment</td><td><textarea name="comment"></textarea></td></tr>'
                    '</table></form></div>')
    assert table.notes == "Comments are read before they are shown here."
    labels_only = form_of('<div id="comments"><form method="post" action="/c" name="comment">'
                          'What is three plus four?<br><input name="q"><br><input name="mail">'
                          ' will not be shown<br><textarea name="comment"></textarea><br>'
                          '<input type="checkbox" name="follow"> Mail me the replies to this '
                          'post<br><input type="submit"></form></div>')
    assert labels_only.notes is None


def test_the_legend_of_the_required_sign_is_a_note():
    fields = '<label>Nom *</label><input name="author"><textarea name="comment"></textarea>'
    legend = form_of('<div id="comments"><form class="comment-form" action="/c" method="post">'
                     + fields + '<div>* Champs obligatoires</div><input type="submit" '
                     'value="Envoyer"></form></div>')
    assert legend.notes == "* Champs obligatoires"
    sign_only = form_of('<div id="comments"><form class="comment-form" action="/c" method="post">'
                        + fields + '<div>*</div><input type="submit" value="Envoyer"></form></div>')
    assert sign_only.notes is None


def test_checkbox_lines_labels_and_error_messages_are_not_notes():
    form = form_of('<div id="comments"><form class="comment-form" action="/c" method="post">'
                   '<div>Your name here</div><input name="author">'
                   '<textarea name="comment"></textarea>'
                   '<div class="td-warning-comment">Please enter your comment!</div>'
                   '<p><input type="checkbox" name="keep"><span>Save my name in this browser.</span>'
                   '</p></form></div>')
    assert form.notes is None


def test_sign_in_lines_and_script_templates_are_not_notes():
    """A line asking the reader to sign in tells how to comment, not what becomes of a
    comment: its markup, a link in it or the row of sign-in buttons after it says so.
    A script's template ('Connecting to %s') is shown only once filled in."""
    hosted = form_of(
        '<div id="respond"><h3 id="reply-title">Skriv en kommentar</h3><form id="commentform" '
        'class="comment-form" action="/wp-comments-post.php" method="post">'
        '<div class="comment-form-field comment-textarea"><label for="comment">Skriv her...'
        '</label><textarea id="comment" name="comment"></textarea></div>'
        '<div id="comment-form-identity"><div id="comment-form-nascar"><p>Udfyld dine '
        'oplysninger nedenfor eller klik på et ikon for at logge ind:</p><ul><li><a '
        'href="#comment-form-guest" id="postas-guest" class="nascar-signin-link"></a></li><li>'
        '<a href="#comment-form-load-service:Hosted" class="nascar-signin-link"></a></li></ul>'
        '</div><div id="comment-form-guest" class="comment-form-service"><div class="comment-'
        'form-field"><label for="email">E-mail (obligatorisk)</label><input id="email" '
        'name="email" type="email"></div></div><div id="comment-form-load-service" class='
        '"comment-form-service"><div class="comment-form-posting-as-cancel"><a href="#">Annuller'
        '</a></div><p>Forbinder til %s</p></div></div><input type="submit" value="Send"></form>'
        '</div>')
    assert hosted.notes is None
    news = form_of(
        '<form class="cmtForm" id="commentOnStory0" action="#" method="post"><textarea name="cmtMsg"></textarea>'
        '<div class="nonLogged"><h4>Para comentar tiene que</h4><div class="loginBtns"><p>entrar '
        'con una cuenta:</p><a class="fbLogin" href="#"></a></div></div>'
        '<p class="u-align-center">Entra con tu <a href="/account/login?next=%2Fa%2F">cuenta</a> '
        'o rellena los campos de abajo.</p><input name="name"><input type="button" value="Ok">'
        '</form>')
    assert news.notes is None
    # A sign-in line in WordPress's slot for it gives way to the rules under the fields.
    rules = form_of(
        '<form id="commentform" action="/wp-comments-post.php" method="post"><p class="logged-'
        'in-as"><a href="/wp-login.php?redirect_to=%2Fa%2F">Autorzy: zaloguj się »</a></p>'
        '<p><input name="author"> <label>Imię</label></p><textarea name="comment"></textarea>'
        '<h4>Zasady</h4><ul class="comment-guidelines"><li>Każdy komentarz czeka na moderację.'
        '</li><li>Pisz na temat i z szacunkiem dla innych.</li></ul><input type="submit"></form>')
    assert rules.notes == ("Każdy komentarz czeka na moderację. Pisz na temat i z szacunkiem "
                           "dla innych.")


def test_a_mail_note_is_not_a_required_marker():
    assert not is_required_marker("(will not be published)")


def test_parts_never_touch_the_tree():
    html = (FIXTURES / "parts-wp-twentytwentyone.html").read_text(encoding="utf-8")
    doc = parse_document(html, "https://harbourlight.example/2025/03/ferry-timetable-changes/")
    before = doc.tree.html
    for part in (extract_headline, extract_share_urls, extract_links, extract_comment_form):
        part(doc)
    assert doc.tree.html == before
    assert LexborHTMLParser(before).html == before


def test_a_copy_box_holding_the_shortlink_does_not_make_it_the_share_url():
    doc = parse_document("""<html><head>
        <link rel="canonical" href="https://news.example/2025/05/bridge-closed/">
        <link rel="shortlink" href="https://news.example/?p=812">
        </head><body><article><h1>Bridge closed</h1>
        <div class="share-box"><input type="text" readonly value="https://news.example/?p=812"></div>
        </article></body></html>""", "https://news.example/2025/05/bridge-closed/")
    urls = extract_share_urls(doc)
    assert urls.share_url == "https://news.example/2025/05/bridge-closed/"
    assert urls.shortlink == "https://news.example/?p=812"


def test_share_url_falls_back_to_the_page_url_but_never_a_local_file():
    html = "<html><head><title>Bridge closed</title></head><body><p>Text.</p></body></html>"
    assert extract_share_urls(parse_document(html, "https://news.example/a")).share_url == \
        "https://news.example/a"
    assert extract_share_urls(parse_document(html, "file:///tmp/a.html")).share_url is None


# A comment form as WordPress themes print it, inside the post's column.
COMMENT_FORM = ("<div id='comments'><h3>Leave a reply</h3><form action='/wp-comments-post.php' "
                "method='post'><textarea name='comment'></textarea>"
                "<input type='submit' value='Send'></form></div>")
MOST_READ = (("Storm closes the harbour road", "/2025/05/storm-road/"),
             ("Mayor answers questions on the budget", "/2025/05/budget-questions/"),
             ("Lifeboat crew honoured at the quay", "/2025/05/lifeboat-crew/"))


def test_a_ranked_list_after_the_article_is_the_sites_most_read_not_related():
    # An <ol>, as popular-posts plugins print it, then the post's own related grid.
    ranked = ("<div class='box-a'><h2>Top</h2><ol class='list-a'>" + cards(*MOST_READ, tag="li")
              + "</ol></div>")
    related = "<section class='box-b'><h2>Lees ook</h2><div class='grid'>" + cards(*TEASERS) + "</div></section>"
    expected = [("related", "https://news.example" + path, title) for title, path in TEASERS]
    assert links_of(ARTICLE + "</article>" + ranked + related) == expected
    assert links_of(ARTICLE + "</article>" + ranked) == []
    # Cards that each show their place first, as news themes number their 'most read'.
    numbered = "".join(f"<div class='item'><span class='n'>{place}</span><a href='{path}'>{title}</a></div>"
                       for place, (title, path) in enumerate(MOST_READ, 1))
    assert links_of(ARTICLE + "</article><div class='box-a'><h2>Top</h2><div class='items'>"
                    + numbered + "</div></div>" + related) == expected


def test_cards_showing_their_place_in_a_badge_after_the_link_are_a_ranking():
    """A news theme puts each card's link first and its place in a badge of its own beside
    the title: still the site's most read, not related posts."""
    badged = "".join(f"<div class='teaser'><a class='storylink' href='{path}'>Zum Artikel</a>"
                     f"<div class='number'><span>{place}</span></div><div class='text'><h2>"
                     f"<a href='{path}'>{title}</a></h2></div></div>"
                     for place, (title, path) in enumerate(MOST_READ, 1))
    body = (ARTICLE + "</article><div class='stack'><div class='tagbreaker'><h2>Meistgelesen"
            "</h2></div>" + badged + "</div>")
    assert links_of(body) == []


def test_a_read_also_box_set_among_the_paragraphs_of_the_body_is_related():
    """A box of its own (a heading and links, no running text) between two paragraphs is
    the post's 'Read also'; its rows of cards, one of a single card, are all read. A list
    under a heading of the text, set straight among its paragraphs, is part of the text."""
    paragraph = "<p>" + "The deck is replaced in sections so that one lane stays open. " * 3 + "</p>"
    rows = ("<div class='links'><div class='withPic'>" + "".join(
        f"<a href='{path}'><img src='/t.jpg' alt=''>{title}</a>" for title, path in TEASERS[:2])
        + f"</div><div class='withoutPic'><a href='{TEASERS[2][1]}'>{TEASERS[2][0]}</a></div></div>")
    boxed = (f"<article><h1>Bridge closed for repairs</h1><div class='td-post-content'>{paragraph}"
             f"<div class='inline-more articleCount3'><h4 class='block-title'>Lies auch</h4>{rows}"
             f"</div>{paragraph}{paragraph}</div></article>")
    assert links_of(boxed) == [("related", "https://news.example" + path, title)
                               for title, path in TEASERS]
    section = (f"<article><h1>Bridge closed for repairs</h1><div class='entry-content'>{paragraph}"
               "<h2>Where to cross instead</h2><ul>" + "".join(
                   f"<li><a href='{path}'>{title}</a></li>" for title, path in TEASERS)
               + f"</ul>{paragraph}</div></article>")
    assert links_of(section) == []


def test_related_titles_starting_with_numbers_are_no_ranking():
    listicles = (("5 walks along the cliffs", "/2025/04/five-walks/"),
                 ("2 new buses for the island line", "/2025/04/two-buses/"),
                 ("10 years of the harbour festival", "/2025/03/festival-years/"))
    body = ARTICLE + "</article><section><h2>Lees ook</h2><div class='grid'>" + cards(*listicles) + "</div></section>"
    assert links_of(body) == [("related", "https://news.example" + path, title)
                              for title, path in listicles]


def test_boxes_in_a_column_past_the_article_and_its_comments_are_not_related():
    # The post's column (article, then comments) and the site's column beside it, whose
    # classes say nothing: a 'latest' card box and another headed box.
    column = ("<div class='col-b'><div class='box'><h2>Neueste</h2><div class='grid'>" + cards(*MOST_READ)
              + "</div></div><div class='box'><h2>Themen</h2><ul><li><a href='/tag/roads/'>Roads</a></li>"
              "</ul></div></div>")
    page = "<div class='row'><div class='col-a'>" + ARTICLE + "</article>" + COMMENT_FORM + "</div>" + column + "</div>"
    assert links_of(page) == []
    # The post's related grid between the body and the comments is still found.
    related = "<section><h2>Lees ook</h2><div class='grid'>" + cards(*TEASERS) + "</div></section>"
    page = ("<div class='row'><div class='col-a'>" + ARTICLE + "</article>" + related + COMMENT_FORM
            + "</div>" + column + "</div>")
    assert links_of(page) == [("related", "https://news.example" + path, title)
                              for title, path in TEASERS]


def test_a_lone_box_after_the_article_and_its_comments_may_be_its_related_posts():
    # Article and comments in one wrapper, the related grid after it: the box stands alone.
    related = "<div class='box'><h2>Die Redaktion empfiehlt</h2><div class='grid'>" + cards(*TEASERS) + "</div></div>"
    page = "<main><div class='wrap'>" + ARTICLE + "</article>" + COMMENT_FORM + "</div>" + related + "</main>"
    assert links_of(page) == [("related", "https://news.example" + path, title)
                              for title, path in TEASERS]


def test_a_path_from_the_root_is_on_the_site_of_the_first_address_given():
    # The page as fetched first, then its canonical address on another host: a link from the
    # root resolves against the fetched one, whatever order a set of hosts would give.
    page = PageAddress("https://mirror.example/2025/05/a/", "https://news.example/2025/05/a/")
    assert page.article_key("/2025/05/b/") == "mirror.example/2025/05/b/?"
    assert page.article_key("/2025/05/a/") is None  # this page


def test_a_card_list_holding_this_very_article_is_the_sites_latest_not_related():
    # The site's newest posts, this one among them (themes print it like the others).
    latest = ("<section><h2>Neueste Beiträge</h2><div class='grid'>"
              + cards(MOST_READ[0], ("Bridge closed for repairs", "/2025/05/bridge-closed/"),
                      MOST_READ[1]) + "</div></section>")
    related = "<section><h2>Lees ook</h2><div class='grid'>" + cards(*TEASERS) + "</div></section>"
    assert links_of(ARTICLE + "</article>" + latest) == []
    assert links_of(ARTICLE + "</article>" + latest + related) == [
        ("related", "https://news.example" + path, title) for title, path in TEASERS]
    # A link back to the top of this page after the cards is no card of the list.
    back = ("<section><h2>Lees ook</h2><div class='grid'>" + cards(*TEASERS)
            + "<p class='up'><a href='/2025/05/bridge-closed/#top'>↑</a></p></div></section>")
    assert links_of(ARTICLE + "</article>" + back) == [
        ("related", "https://news.example" + path, title) for title, path in TEASERS]


# A post saved from the browser and read from a file, or handed over as a string: its links
# are relative, as the site wrote them. Where the copy says it lives, they resolve as they
# did on the web: a browser's 'saved from' note, a saved-copy header, the canonical link,
# og:url.
SAVED_POST = """<!DOCTYPE html>{note}
<html lang="en"><head><meta charset="utf-8">
<title>Lighthouse keepers return to Skerry Point – Tidewater Journal</title>{head}</head>
<body><header class="site-header"><a href="/" rel="home">Tidewater Journal</a></header>
<main><article class="post"><h1 class="entry-title">Lighthouse keepers return to Skerry Point</h1>
<div class="entry-content"><p>For the first time in forty years the lamp at Skerry Point will be
tended by people who live beside it, after the trust that owns the tower hired two keepers to
look after the light, the fog signal and the visitors who walk out along the causeway.</p>
<p>The keepers will move into the cottages at the foot of the tower in May, once the roofs
have been repaired, and will open the lantern room to visitors on summer weekends.</p></div>
<nav class="post-navigation"><div class="nav-previous"><a href="/2026/04/causeway-reopens/"
rel="prev">Causeway reopens after winter storms</a></div><div class="nav-next"><a
href="../seal-pups-counted/" rel="next">Seal pups counted on the outer rocks</a></div>
</nav></article>
<div id="respond"><h3>Leave a reply</h3><form id="commentform" action="/wp-comments-post.php"
method="post"><textarea name="comment" id="comment"></textarea><input type="submit"
value="Post comment"></form></div></main></body></html>"""
SAVED_FROM = "https://tidewater.example/2026/04/keepers-return/"
SAVED_NOTES = {
    "browser note": (f"<!-- saved from url=({len(SAVED_FROM):04d}){SAVED_FROM} -->", ""),
    "saved-copy header": (f"<!--\n Page saved with a web clipper\n url: {SAVED_FROM}\n"
                          " saved date: Tue Apr 14 2026\n-->", ""),
    "canonical link": ("", f'<link rel="canonical" href="{SAVED_FROM}">'),
    "og:url": ("", f'<meta property="og:url" content="{SAVED_FROM}">'),
}


@pytest.mark.parametrize("url", ["file:///home/reader/saved/keepers.html", None])
@pytest.mark.parametrize("note, head", SAVED_NOTES.values(), ids=SAVED_NOTES.keys())
def test_a_saved_copy_resolves_its_links_where_it_says_it_lives(note, head, url):
    article = extract(SAVED_POST.format(note=note, head=head), url)
    assert article.url == url  # where it was read from stays what it was
    assert [(link.kind, link.href, link.title) for link in article.links] == [
        ("prev", "https://tidewater.example/2026/04/causeway-reopens/",
         "Causeway reopens after winter storms"),
        ("next", "https://tidewater.example/2026/04/seal-pups-counted/",
         "Seal pups counted on the outer rocks")]
    assert article.comment_form.action == "https://tidewater.example/wp-comments-post.php"
    assert article.title == "Lighthouse keepers return to Skerry Point"


@pytest.mark.parametrize("declared", [
    '<link rel="canonical" href="/2026/04/keepers-return/">',  # relative: resolves against nothing
    '<link rel="canonical" href="javascript:alert(1)">',
    '<meta property="og:url" content="file:///etc/passwd">',
    '<link rel="canonical" href="https://user:secret@tidewater.example:99999/">',  # no valid port
])
def test_a_copy_without_a_usable_address_keeps_its_relative_links_out(declared):
    article = extract(SAVED_POST.format(note="", head=declared), "file:///home/reader/k.html")
    assert article.links == []
    assert article.comment_form.action is None or \
        not article.comment_form.action.startswith("https://")


def test_a_fetched_page_is_judged_by_its_own_address_not_the_one_it_declares():
    html = SAVED_POST.format(note="", head='<link rel="canonical" href="https://other.example/x/">')
    doc = parse_document(html, "https://tidewater.example/2026/04/keepers-return/")
    assert doc.base_url == "https://tidewater.example/2026/04/keepers-return/"
    assert [link.href for link in extract_links(doc)] == [
        "https://tidewater.example/2026/04/causeway-reopens/",
        "https://tidewater.example/2026/04/seal-pups-counted/"]


def test_the_saved_note_is_read_after_other_comments_and_only_where_it_says_saved():
    after_others = (f"<!-- page cache: hit --><!-- built by a static site generator -->"
                    f"<!-- saved from url=({len(SAVED_FROM):04d}){SAVED_FROM} -->")
    article = extract(SAVED_POST.format(note=after_others, head=""), None)
    assert [link.href for link in article.links] == [
        "https://tidewater.example/2026/04/causeway-reopens/",
        "https://tidewater.example/2026/04/seal-pups-counted/"]
    unsaid = "<!-- mirror of url: https://elsewhere.example/keepers/ -->"
    assert extract(SAVED_POST.format(note=unsaid, head=""), None).links == []


def test_a_pager_showing_only_its_labels_takes_the_titles_of_the_cards_leading_to_the_same_posts():
    """A theme's pager says 'Vorheriger Beitrag' / 'Nächster Beitrag' only; the same posts'
    cards further up show their titles in headings. A card's other link (its picture) and a
    sidebar list naming the post without a heading do not count."""
    html = """<html lang="de"><head><title>Neue Lautsprecher im Test</title></head><body>
    <main><article><h1>Neue Lautsprecher im Test</h1>
    <div class="entry-content"><p>Wir haben drei neue Regallautsprecher eine Woche lang in einem
    kleinen Wohnzimmer gehört, mit Musik, Filmen und Podcasts, und dabei auch den Stromverbrauch
    im Ruhezustand gemessen.</p></div>
    <div class="grid"><div class="post-box"><a class="image-container"
    href="/kopfhoerer-pflege/" title="Bild"><img src="/k.jpg" alt=""></a>
    <h4 class="page-title"><a href="/kopfhoerer-pflege/">So pflegst du deine Kopfhörer</a></h4></div>
    <div class="post-box"><a class="image-container" href="/musik-beim-laufen/"><img src="/m.jpg"
    alt=""></a><div class="post-title"><a href="/musik-beim-laufen/#top">Musik beim Laufen:
    die richtige Playlist</a></div></div></div>
    <nav class="pagination"><a class="prev-link btn" href="/kopfhoerer-pflege/" rel="prev">Vorheriger
    Beitrag</a> <a class="next-link btn" href="/musik-beim-laufen/" rel="next">Nächster
    Beitrag</a></nav></article></main>
    <aside class="sidebar"><ul><li><a href="/kopfhoerer-pflege/">Ein anderer Name im Seitenmenü</a></li>
    </ul></aside></body></html>"""
    links = extract_links(parse_document(html, "https://klang.example/lautsprecher-test/"))
    assert [(link.kind, link.href, link.title) for link in links] == [
        ("prev", "https://klang.example/kopfhoerer-pflege/", "So pflegst du deine Kopfhörer"),
        ("next", "https://klang.example/musik-beim-laufen/", "Musik beim Laufen: die richtige Playlist")]


def test_naming_attributes_for_a_walk_leaves_the_page_as_it_was():
    """The element that makes attribute names known to the document is in no tree: no walk
    finds it, and the page reads and serializes as before."""
    doc = parse_document('<div class="share"><button data-url="/x/">Copy</button></div>')
    before = doc.tree.html
    name_attributes(doc.tree, ("itemprop", "data-url", "data-clipboard-text"))
    assert doc.tree.html == before
    assert doc.tree.css("[itemprop], [data-clipboard-text]") == []
    assert [node.tag for node in doc.tree.css("[data-url]")] == ["button"]
