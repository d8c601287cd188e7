"""Words that help, in many languages, where markup alone leaves a doubt.

Structure decides first (classes, ids, rel, form semantics); these sets are a secondary
signal only: is this short text a direction label ('Previous post', 'Posledný Príspevok',
'前の記事') or a title, is '(Pflichtfeld)' a required marker, does a form say 'comment'
in its markup. Entries are folded (lower case, accents dropped, see `fold`), so one entry
covers 'Ďalšie' and 'dalsie'. Never add a rule here that decides on its own.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

POINTERS = "←→↑↓⇐⇒⟵⟶«»‹›<>❮❯❬❭〈〉《》⟨⟩▶◀►◄▸◂"  # arrows a title never starts or ends with
_ARROWS = POINTERS + "|/\\-–—:·•…*"  # with the separators a bare label may carry
# The pointers that point back (to the previous post) and forward, in a left-to-right page.
_BACK_POINTERS = "←⇐⟵«‹<❮❬〈《⟨◀◄◂"
_FORTH_POINTERS = "→⇒⟶»›>❯❭〉》⟩▶►▸"
_ACCENTS = re.compile("[\u0300-\u036f]")  # combining accents of Latin, Greek, Cyrillic
# Latin letters with a stroke, which Unicode does not decompose into letter + accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t",
                               "æ": "ae", "œ": "oe", "þ": "th"})
_HAS_UNDECOMPOSED = re.compile("[%s]" % "".join(map(chr, _UNDECOMPOSED)))
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")


def _folded(block: str) -> frozenset[str]:
    return frozenset(fold(word) for word in block.split())


def fold(text: str) -> str:
    """Lower case without accents: 'Ďalšie Články' -> 'dalsie clanky'."""
    text = text.casefold()
    if text.isascii():
        return text
    if _HAS_UNDECOMPOSED.search(text):  # (translating with a dict costs more than looking)
        text = text.translate(_UNDECOMPOSED)
    text = unicodedata.normalize("NFKD", text)
    return text if text.isascii() else _ACCENTS.sub("", text)


def words(text: str) -> list[str]:
    """Folded words; each Chinese/Japanese character counts as a word of its own."""
    return _LETTERS.findall(fold(text))


def strip_arrows(text: str) -> str:
    return text.strip(_ARROWS + " \u00a0\t\n")


def without_direction_label(text: str) -> str:
    """A link's text without a direction label in the same text node: '« Poprzedni wpis:
    The title' -> 'The title', 'Next: The title →' -> 'The title'."""
    text = text.strip(POINTERS + " \u00a0")
    head, colon, rest = text.partition(":")
    if colon and rest.strip() and is_direction_label(head):
        return rest.strip(POINTERS + " \u00a0")
    return text


# Words of prev/next labels: the direction, and the nouns labels pair with it. A word
# pointing back (to the previous, older post), forward (next, newer), or either way.
_BACKWARD = """
previous prev older earlier back
predchadzajuci predchadzajuca predchadzajuce predosly predosla predchozi
vorheriger vorherige vorheriges zurueck zuruck aelterer alterer altere
precedent precedente precedents ancien ancienne
anterior anteriores antigua antiguo antiga antigo
vorige eerder ouder
poprzedni poprzednia poprzednie starszy
forrige tidligere foregaende foregående
edellinen
elozo
anterioara
prethodni
предыдущая предыдущий предыдущее назад ранее
попередня попередній
προηγουμενο
onceki
sebelumnya
truoc
السابق
הקודם
पिछला
이전 이전글
"""
_FORWARD = """
next newer later forward
dalsi dalsia dalsie nasledujuci nasledujuca nasledujuce nasledujici
naechster naechste naechstes nachster nachste nachstes weiter neuerer neuere
suivant suivante suivants recent
siguiente siguientes proximo proxima proximos reciente recente recentes seguinte seguintes
successivo successiva prossimo prossima
volgende nieuwer
nastepny nastepna nastepne nowszy
neste naeste nyere nasta naesta
seuraava
kovetkezo
urmatoare urmatorul
sljedeci sledeci naredni
следующая следующий следующее вперед вперёд
наступна наступний
επομενο
sonraki
berikutnya selanjutnya
tiep
التالي
הבא
अगला
다음 다음글
"""
_EITHER = """
go read continue posledny posledna plus mas mais
"""
_NOUNS = """
post posts pos article articles entry entries story stories item page news blog note
clanok clanky clanku prispevok prispevky prispevku clanek
artikel artikkel beitrag eintrag nachricht meldung
article billet
articulo entrada noticia nota publicacion publicacao materia postagem postagens
articolo notizia
bericht
wpis artykul
статья статью запись новость пост публикация
стаття запис
makale yazi haber
berita artikel tulisan
bai viet
مقال المقال
פוסט
लेख
글 기사
"""
_FILLERS = """
the to a an der die das le la les el il lo o de del na do da du des zum zur al ao au von of in
"""
# Chinese/Japanese label phrases, matched as substrings (their words are not space-separated).
_CJK_LABELS = """
前の記事 次の記事 前の投稿 次の投稿 前のページ 次のページ 前へ 次へ 前の 次の 記事 投稿 新しい 古い
上一篇文章 下一篇文章 上一篇 下一篇 上一页 下一页 上一則 下一則 上一 下一 文章 前 次
"""
# The phrases among them that point one way: back (previous, older) or forward (next, newer).
_CJK_BACKWARD = ("前", "上一", "古い")
_CJK_FORWARD = ("次", "下一", "新しい")

# Words inside a field label that mark the field as required: '(Pflichtfeld)', '(obligatoire)'.
_REQUIRED = """
required require requis requise obligatoire obligatory mandatory pflichtfeld pflicht
erforderlich benotigt notwendig obligatorio obligatoria requerido requerida necesario
obrigatorio obrigatoria necessario obbligatorio obbligatoria richiesto richiesta
verplicht vereist wymagane wymagany wymagana wymagane obowiazkowe obowiazkowy povinne povinny
povinna vyzadovane vyzadovany kotelezo obligatoriu obligatorie pakollinen pakollinen
paakrevet pakrevd obligatorisk kravs kraevet zorunlu wajib diperlukan bat buoc
обязательно обязательное обязательный обязательная обовязкове обовязково
υποχρεωτικο 必須 必填 必需 필수 إلزامي مطلوب חובה आवश्यक
"""
# Words that may stand beside a required word in a marker: '(this field is required)'.
_REQUIRED_FILLERS = """
this is ist est es e je field champ feld campo pole obligatory este ce que
"""

# Stems that say 'comment' in the ids, classes, names and actions of a comment form.
COMMENT_STEMS = ("comment", "koment", "kommentar", "comentar", "commentaire", "reply", "respond",
                 "discuss", "diskus", "reactie", "antwort", "odpoved", "risposta", "disqus")

# Label words of honeypot inputs that ask humans to leave them alone ('Leave this field blank').
HONEYPOT_PHRASES = ("leave this field blank", "leave blank", "leave empty", "do not fill",
                    "don't fill", "dont fill", "keep this field blank", "nicht ausfullen",
                    "leer lassen", "ne pas remplir", "laisser vide", "no rellenar", "dejar en blanco",
                    "deixe em branco", "non compilare", "lasciare vuoto", "nevyplnujte",
                    "nevyplnovat", "nie wypelniaj", "не заполняйте", "оставьте пустым",
                    "空欄のまま", "入力しないで")


BACKWARD_WORDS = _folded(_BACKWARD)
FORWARD_WORDS = _folded(_FORWARD)
DIRECTION_WORDS = BACKWARD_WORDS | FORWARD_WORDS | _folded(_EITHER)
LABEL_WORDS = DIRECTION_WORDS | _folded(_NOUNS) | _folded(_FILLERS)
CJK_LABELS = sorted(_folded(_CJK_LABELS), key=len, reverse=True)  # longest first
REQUIRED_WORDS = _folded(_REQUIRED)
REQUIRED_FILLERS = _folded(_REQUIRED_FILLERS)


def is_direction_label(text: str) -> bool:
    """Whether short `text` is a direction label ('Previous post', '前の記事', '→') and no title."""
    text = strip_arrows(text)
    if not text:
        return True
    tokens = words(text)
    if not tokens or len(tokens) > 5:
        return False
    if all("\u3040" <= t <= "\ufaff" for t in tokens):  # all CJK: match whole phrases
        rest = fold(text)
        for phrase in CJK_LABELS:
            rest = rest.replace(phrase, "")
        return not strip_arrows(rest.replace("の", "").strip())
    return any(t in DIRECTION_WORDS for t in tokens) and all(t in LABEL_WORDS for t in tokens)


def label_direction(text: str, rtl: bool = False) -> str | None:
    """'prev' or 'next' when a label on a link points one way: by an arrow at its start or
    end ('← Older', '→ The title', 'Next »'), else, when it is a direction label, by its words
    ('Poprzedni wpis', 'Newer Post', '次の記事'). None when it points nowhere or both ways
    ('«A quoted title»'). `rtl`: the page reads right to left, where arrows point the other way."""
    text = text.strip(" \u00a0\t\n")
    if not text:
        return None
    ends = text[0] + text[-1]
    back = any(c in _BACK_POINTERS for c in ends)
    forth = any(c in _FORTH_POINTERS for c in ends)
    if back != forth:
        return "prev" if back != rtl else "next"
    if back or not is_direction_label(text):
        return None
    tokens = words(text)
    if all("\u3040" <= t <= "\ufaff" for t in tokens):
        folded = fold(text)
        back = any(phrase in folded for phrase in _CJK_BACKWARD)
        forth = any(phrase in folded for phrase in _CJK_FORWARD)
    else:
        back = not BACKWARD_WORDS.isdisjoint(tokens)
        forth = not FORWARD_WORDS.isdisjoint(tokens)
    if back != forth:
        return "prev" if back else "next"
    return None


def is_required_marker(text: str) -> bool:
    """Whether `text` ('*', '(Pflichtfeld)', '（必須）', 'required') marks a field as required."""
    inner = text.strip().strip("()[]（）【】 \u00a0:-–").strip()
    if not inner:
        return False
    if set(inner) <= set("*＊※"):
        return True
    if fold(inner) in REQUIRED_WORDS:  # also catches unspaced scripts: '必須'
        return True
    tokens = words(inner)
    return (len(tokens) <= 4 and any(t in REQUIRED_WORDS for t in tokens)
            and all(t in REQUIRED_WORDS or t in REQUIRED_FILLERS for t in tokens))


@lru_cache(maxsize=4096)  # asked of the same class lists again and again
def says_comment(value: str | None) -> bool:
    """Whether an id, class, name or action says 'comment' in some language."""
    if not value:
        return False
    value = value.lower()
    return any(stem in value for stem in COMMENT_STEMS)


def asks_to_leave_blank(text: str) -> bool:
    folded = fold(text)
    return any(phrase in folded for phrase in _HONEYPOT_FOLDED)


_HONEYPOT_FOLDED = tuple(fold(phrase) for phrase in HONEYPOT_PHRASES)
