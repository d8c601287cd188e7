"""The body on the kinds of pages beyond news: each kind on a page written like real ones.

Every fixture is made up, modelled on the markup of a common template (WordPress themes
and page builders, TYPO3 news, recipe plugins, forum software...), with its furniture.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from scraper.extract import extract

FIXTURES = Path(__file__).parent / "fixtures"


def article_of(name: str, url: str = "https://site.example/page/"):
    return extract((FIXTURES / name).read_text(encoding="utf-8"), url)


def test_a_page_builder_page_whose_every_block_is_a_widget():
    body = article_of("body-page-builder.html").body_text
    assert body.startswith("Where we come from\n\nThe association was founded in 1952")
    assert "paired with an experienced gardener" in body
    assert body.endswith("harvest them before the summer holidays.")
    for furniture in ("Apply for a plot", "Contact", "Imprint"):
        assert furniture not in body


@pytest.mark.parametrize("headline", ["h1", "h3"])  # an <h3> marked as the headline: the <h1> is the logo
def test_a_lead_in_a_teaser_block_before_the_body_is_its_first_paragraph(headline):
    html = (FIXTURES / "body-lead-teaser.html").read_text(encoding="utf-8")
    html = html.replace('<h1 itemprop="headline">', f'<{headline} itemprop="headline">')
    html = html.replace("Freiwilligendienste</h1>", f"Freiwilligendienste</{headline}>")
    body = extract(html, "https://ljr.example/aktuelles/freiwillige/").body_text
    assert body.startswith("Der Landesjugendring hat am Dienstag die Landesregierung aufgefordert")
    assert body.endswith("die Fahrtkosten der Freiwilligen vollständig zu übernehmen.")
    for furniture in ("Jugendverband fordert mehr Mittel", "12.03.2024", "Frühjahrsputz",
                      "Verwandte Meldungen", "Zurück zur Übersicht"):
        assert furniture not in body


def test_a_lead_in_the_article_header_is_kept_and_the_subtitle_byline_and_caption_are_not():
    body = article_of("body-lead-header.html").body_text
    assert body.startswith("Every morning at half past six, whatever the tide, Tom Pellow")
    assert "\n\nThe crossing takes eleven minutes" in body
    for furniture in ("The last ferryman", "For forty years one man", "Ann Reed", "9 min read",
                      "Photograph", "Most read", "People"):
        assert furniture not in body


def test_a_post_laid_out_in_rows_of_columns_comes_out_whole():
    # Each row holds text beside a picture or a short quote; the longest column alone is not the post.
    body = article_of("body-blog-columns.html").body_text
    assert body.startswith("Es ist sechs Uhr früh und noch dunkel")
    for part in ("Die Gewürzhändlerin neben dem Eingang", "„Ohne Tee fängt hier kein Tag an“",
                 "Wer bei ihm ein Glas kauft", "Am Fischstand kennt man mich inzwischen"):
        assert part in body
    assert body.endswith("nur die Krähen bleiben zwischen den Ständen zurück.")
    for furniture in ("Teilen mit", "Facebook", "Schreibe einen Kommentar", "Ich reise seit zwanzig",
                      "11. Februar 2023", "Stolz präsentiert"):
        assert furniture not in body


def test_a_shop_product_whose_description_sits_in_the_order_form():
    article = article_of("body-shop-product.html")
    assert article.extraction_method == "content"
    assert article.body_text.startswith("Hochwertige Decke in besonders kuscheliger Qualität")
    assert article.body_text.endswith("Material: 100 % Polyester. Größe: 150 × 100 cm.")
    for furniture in ("Handbestickte Decken", "Versandkostenfrei", "In den Warenkorb", "Impressum"):
        assert furniture not in article.body_text


def test_a_blog_post_whose_paragraphs_are_divs_of_inline_markup():
    body = article_of("body-blogger-divs.html").body_text
    assert body.startswith("Am Freitag war ich bei der Lesung von Lena")
    assert "„Ich habe es elf Mal neu geschrieben" in body
    assert body.endswith("freue mich jetzt schon auf den Roman.")
    for furniture in ("Bücher, Lesungen und was ich dazu denke", "Eingestellt von", "3 Kommentare",
                      "Labels", "Blog-Archiv"):
        assert furniture not in body


def test_a_short_article_is_not_outweighed_by_the_teaser_list_beside_it():
    # The page's one <article> holds a paywall's preview; the teasers outside hold more prose.
    body = article_of("body-paywall-preview.html").body_text
    assert body.startswith("Lea aus Ulm läuft die Zeit davon.")
    for furniture in ("Weitere Artikel", "Neue Buslinie", "Die Verkehrsbetriebe", "Weiterlesen"):
        assert furniture not in body


def test_an_article_of_many_blocks_of_a_cms_comes_out_whole():
    # Each section of the article is a module of its own: none alone is half of the rest.
    body = article_of("body-magazine-modules.html").body_text
    assert body.startswith("Ausmisten fällt schwer.")
    for part in ("1. Alles raus", "Zuerst kommt wirklich alles aus dem Schrank", "2. Drei Stapel",
                 "hell links und dunkel rechts", "wie Bücher im Regal"):
        assert part in body
    assert body.endswith("hat nie wieder einen überfüllten Schrank und weiß, was er besitzt.")
    for furniture in ("Ordnung schaffen: fünf Tipps", "Passend dazu", "Aufbewahrungsbox", "Impressum"):
        assert furniture not in body


def test_a_long_read_whose_later_sections_are_short_comes_out_whole():
    # The first section holds most of the text; the later ones, of the same template, are short.
    body = article_of("body-long-read-sections.html").body_text
    assert body.startswith("Als die Genossenschaft vor zwanzig Jahren gegründet wurde")
    assert "Streit um die Zukunft\n\nDoch der Erfolg bringt neue Fragen mit sich." in body
    assert body.endswith("wird in der Kantine der Käserei mehr diskutiert als gegessen.")
    for furniture in ("Jana Roth", "Die alte Mühle am Bach", "Mehr zum Thema", "Impressum"):
        assert furniture not in body


def test_an_event_page_of_sections_keeps_its_description_programme_and_directions():
    body = article_of("body-event.html").body_text
    assert body.startswith("In einer lockeren Atmosphäre lernen Studierende")
    assert "Programm\n\n18.00 Uhr\nBegrüssung und Vorstellung der Firmen\n18.45 Uhr" in body
    assert body.endswith("Anreise\n\nDer Anlass findet im Stadthaus statt, fünf Gehminuten vom "
                         "Bahnhof. Parkplätze gibt es im Parkhaus am Rhein, Velos können im Hof "
                         "abgestellt werden.")
    for furniture in ("Sprungbrett-Abend in Schaffhausen", "Anmeldung\n", "E-Mail", "Login",
                      "Datenschutz"):
        assert furniture not in body


def test_a_recipe_keeps_its_ingredients_shown_apart_from_the_steps():
    # The steps hold the prose; the page's Recipe data names the ingredients its tables show.
    body = article_of("body-recipe.html").body_text
    assert body.startswith("Saftiger Kuchen mit viel Obst und knusprigen Streuseln")
    assert ("Für den Teig:\n\n500 g Mehl\n250 g Butter, weich\n1 Pck. Backpulver\n\n"
            "Für den Belag:\n\n1 kg Äpfel, säuerliche\n1 TL Zimt") in body
    assert body.endswith("etwa 45 Minuten goldbraun backen.")
    for furniture in ("Apfel-Streuselkuchen vom Blech", "Bewertungen", "Einkaufsliste",
                      "Sehr lecker", "Zwetschgenkuchen", "Impressum"):
        assert furniture not in body


def test_a_product_test_keeps_its_verdict_pros_and_cons_and_specifications():
    body = article_of("body-product-test.html").body_text
    assert body.startswith("Fazit\n\nDer Steakmeister 3000 grillt Steaks")
    assert "Pro\n\nHeizt in vier Minuten auf\nPlatten spülmaschinenfest" in body
    assert "Contra\n\nKleine Grillfläche\nStarke Hitze nur in der Mitte" in body
    assert "Wir sind im Steak-Himmel." in body
    assert body.endswith("Grillfläche 35 × 29 cm\nGewicht 4,2 kg")
    for furniture in ("Jonas Weber", "Anzeige", "Aktuelle Deals", "Impressum"):
        assert furniture not in body


def test_a_forum_thread_is_all_its_posts():
    body = article_of("body-forum-thread.html").body_text
    posts = ("seit dem letzten Update verbindet sich mein Telefon nicht mehr",
             "Bei mir hat geholfen, das Auto in den Bluetooth-Einstellungen zu entfernen",
             "Man muss wohl auch im Auto das alte Telefon löschen",
             "Der Hersteller hat inzwischen bestätigt")
    assert all(post in body for post in posts)
    assert [body.index(post) for post in posts] == sorted(body.index(post) for post in posts)
    for furniture in ("Bluetooth-Kopplung bricht nach Update ab", "Gefällt mir", "Zitieren",
                      "Antworten", "Ähnliche Themen", "WLAN trennt", "Anmelden", "Nutzungsbedingungen"):
        assert furniture not in body


def test_text_between_line_breaks_in_a_table_layout_with_a_data_table_and_a_definition_list():
    body = article_of("body-table-layout.html").body_text
    assert body.startswith("Unser Museum in der alten Schule\n\nSeit 1987 zeigt der Heimatverein")
    assert "\n\nBesonders stolz sind wir auf den Webstuhl" in body
    assert "April bis Oktober Sonntag 14 bis 17 Uhr\nNovember bis März" in body
    assert "Was kostet der Eintritt?\nDer Eintritt ist frei" in body
    assert body.endswith("das Obergeschoss leider nur über die Treppe.")
    for furniture in ("Startseite", "Termine", "Kontakt", "Impressum", "© Heimatverein"):
        assert furniture not in body


def test_a_lead_is_kept_when_the_body_sets_its_subheadings_as_h1():
    # The CMS writes every subheading as <h1>: those follow paragraphs, the headline is above.
    body = article_of("body-lead-h1-subheadings.html").body_text
    assert body.startswith("La autoridad se reunirá en la plaza con los vecinos")
    assert "\n\nLa alcaldesa, que atraviesa semanas difíciles" in body
    assert "UNA PROMESA PENDIENTE\n\nDurante la campaña" in body
    for furniture in ("Tópicos", "Las + leídas", "Un perro rescata", "Llévatelo", "Aviso legal"):
        assert furniture not in body


def test_a_lead_under_a_headline_set_in_a_wrapper_named_for_it():
    # The page's <h1> sits in a gallery slide; the headline a reader sees is an <h2> in a
    # block named 'headline', and the lead follows it.
    body = article_of("body-lead-headline-wrapper.html").body_text
    assert body.startswith("Deiche, Schafe und ein Gegenwind, der nie aufhört")
    assert "\n\nWer an der Küste Rad fährt" in body
    assert body.endswith("und übernachten auf einem Bauernhof.")
    for furniture in ("Drei Tage Wind von vorn", "06.05.2023", "Deichweg bei Ebbe", "Startseite",
                      "Impressum"):
        assert furniture not in body


def test_a_press_release_keeps_the_paragraph_about_its_sender_below_the_news_item():
    # The news item (date, headline, text) is a block of its own; the paragraph about the
    # association follows it in the same column, beside wrappers that hold nothing else.
    body = article_of("body-press-release-about.html").body_text
    assert "Ab diesem Sommer bietet das Landesjugendwerk drei neue Freizeiten" in body
    assert body.endswith("Tagungen für Kinder, Jugendliche und junge Erwachsene.")
    for furniture in ("Neue Jugendfreizeiten am See", "Sie befinden sich hier", "Ich bin dabei",
                      "Jetzt spenden", "Impressum"):
        assert furniture not in body


def test_a_teaser_card_whose_link_wraps_its_summary_leaves_the_article():
    # <a><img><h2/><p>summary</p></a> between the paragraphs: all of it is the link's label,
    # on a page with enough <p>s that blocks of inline markup are not read as paragraphs.
    body = article_of("body-linked-cards.html").body_text
    assert body.startswith("Nach dem torlosen Derby am Sonntag")
    assert body.endswith("den Fans eine andere Leistung zeigen.")
    for furniture in ("Status quo", "Vier Spiele, zwei Verletzte", "Impressum"):
        assert furniture not in body


def test_a_table_layout_whose_rows_are_the_sections_comes_out_whole():
    # One row is longer than all the others together; the rows are sections all the same.
    body = article_of("body-table-rows.html").body_text
    for section in ("Einreise\n\nFür die Einreise genügt", "Geld\n\nBezahlt wird in Kronen",
                    "Verkehr\n\nDie Straßen entlang der Küste", "Elektroautos sind weit verbreitet",
                    "Gesundheit\n\nImpfungen sind nicht vorgeschrieben"):
        assert section in body
    for furniture in ("Startseite", "Reise-ABC", "Hotel-Links", "Impressum"):
        assert furniture not in body


def test_the_titles_of_an_accordion_set_in_header_elements_stay_with_their_answers():
    # Each fold's title is an <h3> in a <header> of its own; the article's <header>, with the
    # headline and the byline, is not text.
    body = article_of("body-accordion.html").body_text
    assert body.startswith("Wer ein neues Auto möchte, hat drei Wege")
    for fold in ("Vorteile der Finanzierung über einen Kredit\n\nMit einem Ratenkredit",
                 "Vorteile des Leasings\n\nBeim Leasing zahlen Sie",
                 "Wann sich der Barkauf lohnt\n\nWer genug gespart hat"):
        assert fold in body
    assert body.endswith("bevor Sie beim Händler unterschreiben.")
    for furniture in ("Auto leasen, finanzieren oder kaufen?", "Petra Lang", "Impressum"):
        assert furniture not in body


def test_a_lead_in_a_hero_block_above_the_page_wrapper_starts_the_body():
    # The theme sets the headline and the excerpt in a full-width hero, a child of <body>
    # beside the page's wrapper that holds the post's text.
    body = article_of("body-hero-lead.html").body_text
    assert body.startswith("In ihrem Essay über das Warten beschreibt die Autorin")
    assert "\n\nWer heute ein Paket bestellt, erwartet es morgen." in body
    assert body.endswith("Trotzdem ein Buch, das man gern langsam liest.")
    for furniture in ("Die Kunst des Wartens", "Sachbuch", "Impressum"):
        assert furniture not in body


def test_a_post_that_is_a_list_of_links_with_a_note_on_each_is_kept():
    # A bookmarks digest: the links are the post, not a list of other pages beside it.
    article = article_of("body-link-digest.html")
    assert article.extraction_method == "content"
    body = article.body_text
    assert body.startswith("Was ich heute gelesen habe")
    for item in ("Studie zweifelt an staatlicher Hilfe für Zeitungen", "via Medienmagazin",
                 "EU erwägt Verbot von Gesichtserkennung im öffentlichen Raum", "via Technikblog"):
        assert item in body
    for furniture in ("Teilen mit", "Drucken", "Ähnliche Beiträge", "Fundstücke vom 22. Januar",
                      "Bloggen auf WordPress"):
        assert furniture not in body


def test_a_paragraph_written_as_a_named_anchor_is_text_not_a_link():
    # <a name=…> marks a place to jump to; it leads nowhere, so it is no link list.
    body = article_of("body-named-anchors.html").body_text
    assert "\n\nEine der häufigsten Fragen in dieser Woche: Was sagt die Wissenschaft" in body
    assert "\n\nUnd was bedeutet das für Schulen und Kindergärten?\n\n" in body
    assert body.endswith("die Entscheidung den Ländern überlassen.")
    for furniture in ("Dieses Skript als PDF herunterladen", "Startseite", "Impressum"):
        assert furniture not in body


def test_the_classic_themes_post_metadata_line_is_not_text():
    # WordPress's classic theme closes the post with <p class="postmetadata">: when it was
    # published, where it is filed, how to follow the comments.
    body = article_of("parts-wp-classic-kubrick.html").body_text
    assert body.startswith("Le tour du lac des Bouillouses fait à peine vingt kilomètres")
    assert body.endswith("Au retour, une crêpe au chalet du lac s’impose.")
    assert "Cet article a été publié" not in body


def test_an_affiliate_disclaimer_after_a_buying_guide_is_not_text():
    body = article_of("body-affiliate-disclaimer.html").body_text
    assert body.startswith("Ein Kratzbaum ist für Wohnungskatzen mehr als ein Möbelstück")
    assert body.endswith("wenn die Katze lieber oben sitzt.")
    for furniture in ("Affiliate-Links", "Provision", "Impressum"):
        assert furniture not in body


def test_a_short_link_standing_alone_between_the_blocks_is_navigation():
    # 'Download' between two paragraphs and 'back to the list' after the last one; a link
    # inside a sentence stays.
    body = article_of("body-lone-links.html").body_text
    assert body.startswith("Wer über die Feiertage verreist")
    assert "lassen sich per Smartphone-App steuern" in body
    assert body.endswith("damit die Anlage auch bei Frost zuverlässig arbeitet.")
    for furniture in ("Download", "zurück zur Listenansicht", "Impressum"):
        assert furniture not in body


def test_text_beside_a_picture_that_repeats_its_alt_text_is_its_caption():
    # The template names it neither caption nor figcaption: it repeats the picture's alt.
    body = article_of("body-alt-caption.html").body_text
    assert body.startswith("Im Herbst stellt der Hersteller traditionell seine neuen Telefone vor")
    assert "\n\nDie größte Änderung betrifft das Display" in body
    assert body.endswith("die die Lieferketten des Herstellers beobachten.")
    assert "Eine kleine runde Aussparung" not in body


def test_buttons_built_of_blocks_are_not_text():
    # A share button beside a quotable line, a button block under a paragraph.
    body = article_of("body-buttons.html").body_text
    assert body.startswith("Many people who start a business dread the moment")
    assert "Visibility is a skill you can practise in small steps." in body
    assert body.endswith("and your audience grows with you.")
    for furniture in ("Click To Tweet", "Get the free guide", "Privacy"):
        assert furniture not in body


def test_a_photo_post_whose_captions_outweigh_its_text_keeps_the_text_only():
    # Eight captioned pictures hold more words than the two paragraphs: captions all the same.
    body = article_of("body-photo-post-captions.html").body_text
    assert body.startswith("Zum Abschluss der Modewoche zeigte das junge Pariser Atelier")
    assert body.endswith("Hier sind unsere Lieblingslooks.")
    for furniture in ("Look 1 der Kollektion", "Bild via", "Impressum"):
        assert furniture not in body


def test_an_address_block_is_the_pages_contact_and_dates_not_its_text():
    body = article_of("body-address.html").body_text
    assert body.startswith("This note describes how we back up the file server")
    assert body.endswith("takes a few minutes on most nights.")
    assert "Last Modified" not in body


def test_a_comment_form_holding_more_text_than_a_short_post_is_still_furniture():
    # The form's notes outweigh the post; a <form> named for comments wraps no article.
    body = article_of("body-big-comment-form.html").body_text
    assert "Virales Marketing nennt man Werbung, die sich von selbst verbreitet" in body
    assert body.endswith("gerade deshalb bekannt, weil sie misslingt.")
    for furniture in ("E-Mail (wird benötigt", "Gewerbliche Einträge", "Spamverdacht", "Impressum"):
        assert furniture not in body


def test_the_title_of_a_list_of_links_ending_the_post_goes_with_the_list():
    # A bold paragraph, then paragraphs of one link each: 'read more' written by the editor.
    html = (FIXTURES / "body-list-titles.html").read_text(encoding="utf-8")
    url = "https://notes.example/2024/01/winter-sowing/"
    body = extract(html, url).body_text
    assert body.startswith("Every January the recycling bin fills with milk jugs")
    assert body.endswith("until the first leaves fog up the plastic in March.")
    for furniture in ("More from the seed-starting series", "Folding paper pots", "Recent posts"):
        assert furniture not in body
    # A sentence before the list is the post's last word; words before a single link point
    # to what the post is about.
    signed = html.replace("More from the seed-starting series:", "Good luck with your jugs!")
    assert extract(signed, url).body_text.endswith("Good luck with your jugs!")
    single = html.replace('<p><a href="/2024/02/grow-lights/">Cheap grow lights that actually work</a></p>', "")
    single = single.replace('<p><a href="/2024/03/hardening-off/">Hardening off seedlings without losing any</a></p>', "")
    assert extract(single, url).body_text.endswith("More from the seed-starting series:")


def test_a_lead_in_a_teaser_block_opening_the_body_is_kept_and_teaser_cards_are_not():
    # The body's element holds the headline, the lead in a block its template calls a
    # teaser, the interview in blocks of its own and cards for other news, named teasers too.
    body = article_of("body-lead-teaser-inside.html").body_text
    assert body.startswith("Drei Jahre nach Beginn des Projekts haben elf Dörfer")
    assert "Ein Brunnen ohne Ersatzteile steht nach zwei Jahren still." in body
    assert body.endswith("Der Brunnen gehört ihnen.")
    for furniture in ("Foto: Archiv", "Schulgarten", "Jahresbericht", "Spenden", "Impressum"):
        assert furniture not in body


@pytest.mark.parametrize("title, box", [
    ("About the author", '<div class="sabox-wrap" itemprop="author" itemscope '
     'itemtype="https://schema.org/Person"><img src="/jane.jpg" alt=""><p>Jane Hollis has kept '
     'an allotment in the east of the city since 2009 and writes about it every week.</p></div>'),
    ("Leave a comment:", '<form action="/wp-comments-post.php" method="post"><p>Your email '
     'address will not be published. Required fields are marked.</p><textarea name="comment">'
     '</textarea><input type="submit" value="Post"></form>'),
])
def test_the_title_of_a_box_ending_the_post_goes_with_the_box(title, box):
    # The theme writes the box's title as a paragraph of the post, right before the box.
    html = (FIXTURES / "body-list-titles.html").read_text(encoding="utf-8")
    start = html.index("<p><strong>More from the seed-starting series:")
    end = html.index("</div>", start)
    html = html[:start] + f'<div class="sabox-title"><b>{title}</b></div>{box}\n   ' + html[end:]
    body = extract(html, "https://notes.example/2024/01/winter-sowing/").body_text
    assert body.endswith("until the first leaves fog up the plastic in March.")
    for furniture in (title, "Jane Hollis", "Required fields"):
        assert furniture not in body


def test_the_title_of_an_embedded_post_that_cleaning_empties_goes_with_it():
    # A block quoting another post of the site is emptied of its link; its title goes too.
    html = (FIXTURES / "body-list-titles.html").read_text(encoding="utf-8")
    start = html.index("<p><strong>More from the seed-starting series:")
    end = html.index("</div>", start)
    embed = ('<p>You might also like</p><blockquote class="wp-embedded-content"><p>'
             '<a href="/2023/11/seed-swap/">Our first seed swap at the allotments</a></p></blockquote>')
    html = html[:start] + embed + "\n   " + html[end:]
    body = extract(html, "https://notes.example/2024/01/winter-sowing/").body_text
    assert body.endswith("until the first leaves fog up the plastic in March.")
    assert "You might also like" not in body


def test_the_labels_left_beside_an_ad_slot_or_an_embed_are_not_text():
    # Once their scripts and frames are taken out, 'Advertisement' and 'Follow us' stand
    # alone; a short sentence beside an embedded map is still a sentence.
    body = article_of("body-slot-labels.html").body_text
    assert body.startswith("Walkers and cyclists can use the river path")
    assert "\n\nHere is the new path.\n\n" in body
    assert body.endswith("walkers can cross it from Saturday.")
    for furniture in ("Advertisement", "Follow us", "slots.push"):
        assert furniture not in body


def test_the_posts_tags_written_among_its_paragraphs_are_not_text():
    # Links marked rel=tag are the post's tags, whatever the theme's markup around them; a
    # sentence with a link in it is text.
    body = article_of("body-tag-list.html").body_text
    assert body.startswith("A categoria divulgou nesta terça-feira o calendário")
    assert body.endswith("com as mudanças nas regras de pneus e de combustível.")
    for furniture in ("interlagos,", "goiânia", "Tags"):
        assert furniture not in body
