"""Normalization of names and labels, so that the same thing spelled differently matches.

Every name abmgraph compares (products, stages, categories, company and person names) goes
through :func:`normalize_key` first: Unicode NFKC (full-width letters and digits become
half-width, ㈱ becomes (株)), case folded, and every run of whitespace or punctuation removed.

Entity resolution (``loaders/resolve.py``) compares stricter keys built here:
:func:`normalize_company_name` (legal forms removed too), :func:`normalize_domain`,
:func:`normalize_email`, :func:`normalize_corporate_number` (with
:func:`valid_corporate_number`) and :func:`normalize_person_name`; :func:`legal_forms` and
:func:`normalize_country` tell when a name-only match is contradicted.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import urlsplit

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_key(text: str) -> str:
    """The comparison key of ``text``.

    >>> normalize_key("GTXPro") == normalize_key("GTX Pro")
    True
    >>> normalize_key("ＡＢＣ　株式会社")
    'abc株式会社'
    """
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())


# -- entity resolution keys --------------------------------------------------------------------
#
# The functions below build the keys entity resolution (loaders/resolve.py) compares. Each is
# idempotent and returns "" when its input holds nothing usable, so that an empty key never
# matches anything.

#: Japanese legal forms, removed wherever they stand (longest first, so that a longer form
#: is never cut by a shorter one it contains). NFKC has already turned ㈱ into (株) and ㍿
#: into 株式会社.
_JA_LEGAL_FORMS: tuple[str, ...] = tuple(
    sorted(
        (
            "株式会社",
            "有限会社",
            "合同会社",
            "合資会社",
            "合名会社",
            "相互会社",
            "一般社団法人",
            "一般財団法人",
            "公益社団法人",
            "公益財団法人",
            "特定非営利活動法人",
            "社会福祉法人",
            "医療法人社団",
            "医療法人財団",
            "医療法人",
            "学校法人",
            "宗教法人",
            "独立行政法人",
            "地方独立行政法人",
            "国立大学法人",
            "有限責任事業組合",
            "有限責任監査法人",
            "監査法人",
            "弁護士法人",
            "税理士法人",
            "司法書士法人",
            "カブシキガイシャ",
            "カブシキカイシャ",
            "ユウゲンガイシャ",
            "ゴウドウガイシャ",
        ),
        key=len,
        reverse=True,
    )
)

#: Abbreviated Japanese legal forms in parentheses: (株), (有), (同), (資), (名), (社), (財), ...
_JA_LEGAL_ABBREVIATION = re.compile(r"\(\s*(?:株|有|同|資|名|相|社|財|医|学|福|独|宗|特非)\s*\)")

#: Latin-script legal forms, removed as whole words after dots are dropped from abbreviations
#: (``L.L.C.`` becomes ``llc``, ``K.K.`` becomes ``kk``) and punctuation splits words.
_LATIN_LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "pty",
        "kk",
        "gk",
        "yk",
        "kabushikikaisha",
        "kabushikigaisha",
        "godokaisha",
        "yugenkaisha",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "bv",
        "nv",
        "oy",
        "ab",
        "pte",
        "sdn",
        "bhd",
        "pvt",
    }
)
_LATIN_LEGAL_PHRASE = re.compile(r"\b(?:kabushiki [gk]aisha|godo kaisha|yugen kaisha)\b")
_DOTTED_ABBREVIATION = re.compile(r"(?<![a-z0-9])[a-z](?:\.[a-z])+\.?(?![a-z0-9])")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DASHES = re.compile(r"[\s\-‐‑‒–—―−ｰ]+")


def _nfkc_fold(text: str) -> str:
    """NFKC, case folded, and NFKC again (folding can leave a string that NFKC would change)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def normalize_company_name(name: str) -> str:
    """The comparison key of a company name: NFKC (full-width and half-width alike), case
    folded, legal forms in Japanese and English removed wherever they stand, and every space
    and punctuation mark dropped. A name that is nothing but a legal form gives ``""``.

    >>> normalize_company_name("株式会社さくら") == normalize_company_name("㈱さくら") == "さくら"
    True
    >>> normalize_company_name("Ｓａｋｕｒａ　Ｋ．Ｋ．"), normalize_company_name("Sakura Co., Ltd.")
    ('sakura', 'sakura')
    >>> normalize_company_name("Acme, Inc."), normalize_company_name("ACME L.L.C.")
    ('acme', 'acme')
    >>> normalize_company_name("さくら（株）"), normalize_company_name("Kabushiki Kaisha Sakura")
    ('さくら', 'sakura')
    >>> normalize_company_name("Sakura Tech GmbH") == normalize_company_name("SakuraTech AG")
    True
    >>> normalize_company_name("株式会社")
    ''
    """
    text = _JA_LEGAL_ABBREVIATION.sub(" ", _nfkc_fold(name))
    text = _DOTTED_ABBREVIATION.sub(lambda m: m.group().replace(".", ""), text)
    text = _LATIN_LEGAL_PHRASE.sub(" ", _NON_WORD.sub(" ", text))
    joined = "".join(w for w in text.split() if w not in _LATIN_LEGAL_FORMS)
    previous = None
    while previous != joined:
        previous = joined
        for form in _JA_LEGAL_FORMS:
            joined = joined.replace(form, "")
    joined = unicodedata.normalize("NFKC", joined)
    return "" if joined in _LATIN_LEGAL_FORMS else joined


#: Spellings of one legal form, onto the form's key (株式会社, (株), ㈱, KK and Kabushiki
#: Kaisha are one form; Inc. and Corp. are one form; Inc. and GmbH are two).
_FORM_KEYS: dict[str, str] = {
    "株式会社": "kk",
    "カブシキガイシャ": "kk",
    "カブシキカイシャ": "kk",
    "株": "kk",
    "kk": "kk",
    "kabushikikaisha": "kk",
    "kabushikigaisha": "kk",
    "有限会社": "yk",
    "ユウゲンガイシャ": "yk",
    "有": "yk",
    "yk": "yk",
    "yugenkaisha": "yk",
    "合同会社": "gk",
    "ゴウドウガイシャ": "gk",
    "同": "gk",
    "gk": "gk",
    "godokaisha": "gk",
    "inc": "inc",
    "incorporated": "inc",
    "corp": "inc",
    "corporation": "inc",
    "ltd": "ltd",
    "limited": "ltd",
    "sdn": "sdn bhd",
    "bhd": "sdn bhd",
}
#: Words that name no particular form (``Co.`` stands in many).
_GENERIC_FORMS = frozenset({"co", "company"})
_JA_ABBREVIATION_FORM = re.compile(r"\(\s*(株|有|同|資|名|相|社|財|医|学|福|独|宗|特非)\s*\)")


def legal_forms(name: str) -> frozenset[str]:
    """The legal forms a company name states, each by one key for all its spellings; empty
    when it states none (or only ``Co.``).

    >>> legal_forms("株式会社さくら") == legal_forms("㈱さくら") == legal_forms("Sakura K.K.")
    True
    >>> sorted(legal_forms("Acme, Inc.")), sorted(legal_forms("Acme GmbH")), legal_forms("Acme")
    (['inc'], ['gmbh'], frozenset())
    """
    text = _nfkc_fold(name)
    found = {_FORM_KEYS.get(m, m) for m in _JA_ABBREVIATION_FORM.findall(text)}
    rest = _JA_LEGAL_ABBREVIATION.sub(" ", text)
    for form in _JA_LEGAL_FORMS:
        if form in rest:
            found.add(_FORM_KEYS.get(form, form))
            rest = rest.replace(form, " ")
    rest = _DOTTED_ABBREVIATION.sub(lambda m: m.group().replace(".", ""), rest)
    rest = _NON_WORD.sub(" ", rest)
    for phrase in _LATIN_LEGAL_PHRASE.findall(rest):
        found.add(_FORM_KEYS[phrase.replace(" ", "")])
    rest = _LATIN_LEGAL_PHRASE.sub(" ", rest)
    for word in rest.split():
        if word in _LATIN_LEGAL_FORMS and word not in _GENERIC_FORMS:
            found.add(_FORM_KEYS.get(word, word))
    return frozenset(found)


_COUNTRY_ALIASES: dict[str, str] = {
    "japan": "jp",
    "jpn": "jp",
    "日本": "jp",
    "usa": "us",
    "unitedstates": "us",
    "unitedstatesofamerica": "us",
    "uk": "gb",
    "unitedkingdom": "gb",
    "greatbritain": "gb",
    "gbr": "gb",
    "germany": "de",
    "deutschland": "de",
    "deu": "de",
}


def normalize_country(value: str) -> str:
    """The comparison key of a country: an ISO code or a common name, case-insensitive.

    >>> normalize_country("JP") == normalize_country("Japan") == normalize_country("日本")
    True
    """
    key = normalize_key(value)
    return _COUNTRY_ALIASES.get(key, key)


def normalize_domain(value: str) -> str:
    """The web domain in a URL, an email address or a bare domain: lower case, without scheme,
    ``www.``, user, port, path or trailing dot; internationalized names in their ASCII (IDNA)
    form. Anything that is not a dotted host name gives ``""``.

    >>> normalize_domain("https://www.Example.co.jp:8443/about?x=1")
    'example.co.jp'
    >>> normalize_domain("Taro.Yamada@Example.CO.JP"), normalize_domain("example.co.jp.")
    ('example.co.jp', 'example.co.jp')
    >>> normalize_domain("ｗｗｗ．例え．ｊｐ"), normalize_domain("xn--r8jz45g.jp")
    ('xn--r8jz45g.jp', 'xn--r8jz45g.jp')
    >>> normalize_domain("n/a"), normalize_domain("")
    ('', '')
    """
    text = _nfkc_fold(value).strip()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.strip().rstrip(".")
    if host.startswith("www."):
        host = host[len("www.") :]
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # not a valid IDN: compared as written
            host = host.encode("idna").decode("ascii")
    labels = host.split(".")
    if len(labels) < 2 or not all(labels) or any(c.isspace() for c in host):
        return ""
    return host


def normalize_email(value: str) -> str:
    """The comparison key of an email address: case-insensitive (local part included), with
    its domain normalized; ``Name <addr>`` and ``mailto:`` forms are accepted. Anything that is
    not an address gives ``""``.

    >>> normalize_email("Hanako.Sato@Sakura.CO.JP") == normalize_email("hanako.sato@sakura.co.jp")
    True
    >>> normalize_email("佐藤 花子 <ＨＡＮＡＫＯ@sakura.co.jp>")
    'hanako@sakura.co.jp'
    >>> normalize_email("not an email")
    ''
    """
    text = _nfkc_fold(value).strip()
    if "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1 : -1].strip()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    local, at, domain = text.rpartition("@")
    if not at or not local or any(c.isspace() or c in "<>@" for c in local):
        return ""
    domain = normalize_domain(domain)
    return f"{local}@{domain}" if domain else ""


def valid_corporate_number(number: str) -> bool:
    """Whether ``number`` is a valid Japanese corporate number (法人番号).

    Thirteen digits: a check digit followed by the 12-digit base number. Per the Ministry of
    Finance ordinance the National Tax Agency applies (平成26年財務省令第70号 第2条), with
    ``P(n)`` the n-th digit of the base number counted from its least significant digit and
    ``Q(n)`` 1 for odd n and 2 for even n, the check digit is
    ``9 - (sum(P(n) * Q(n) for n in 1..12) % 9)``. Spaces and hyphens between digits and
    full-width digits are accepted.

    >>> valid_corporate_number("7000012050002")  # 国税庁
    True
    >>> valid_corporate_number("2021001052596")
    True
    >>> valid_corporate_number("７０００－０１２０－５０００２")  # full width, with hyphens
    True
    >>> valid_corporate_number("7000012050003"), valid_corporate_number("700001205000")
    (False, False)
    """
    digits = _DASHES.sub("", unicodedata.normalize("NFKC", number))
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    base = digits[1:]
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return int(digits[0]) == 9 - total % 9


def normalize_corporate_number(value: str) -> str:
    """The 13 digits of a valid corporate number, or ``""``. A ``T`` prefix (the invoice
    registration number of a corporation, 適格請求書発行事業者登録番号) is accepted.

    >>> normalize_corporate_number("T7000-0120-50002"), normalize_corporate_number("123")
    ('7000012050002', '')
    """
    text = _DASHES.sub("", unicodedata.normalize("NFKC", value)).upper().removeprefix("T")
    return text if valid_corporate_number(text) else ""


def normalize_person_name(name: str) -> str:
    """The comparison key of a person's name: NFKC, case folded, every space (U+3000 included)
    and punctuation mark dropped, so that Japanese names written with or without the space
    between family and given name compare equal.

    >>> normalize_person_name("佐藤 花子") == normalize_person_name("佐藤　花子") == "佐藤花子"
    True
    >>> normalize_person_name("Mary-Ann  O'Brien")
    'maryannobrien'
    """
    return unicodedata.normalize("NFKC", _NON_WORD.sub("", _nfkc_fold(name)))


V = TypeVar("V")
_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def first_keyword(keywords: Iterable[tuple[str, V]], text: str) -> V | None:
    """The value of the first keyword found in ``text``: a short Latin keyword (up to four
    letters, such as ``vp`` or ``cxo``) must be a whole word, a longer one may be part of a
    word (``negotiat``) and a Japanese one may stand anywhere.

    >>> first_keyword([("vp", 1), ("president", 2)], "Senior VP, Sales")
    1
    >>> first_keyword([("vp", 1)], "MVP program") is None
    True
    """
    key = normalize_key(text)
    words = set(_WORDS.split(unicodedata.normalize("NFKC", text).casefold()))
    for word, value in keywords:
        if (word in words) if (word.isascii() and len(word) <= 4) else (word in key):
            return value
    return None
