"""A hand-made bundle with planted duplicates whose right merges can be read off by eye."""

from __future__ import annotations

from pathlib import Path

#: Companies: c2 and c3 are c1 (株式会社さくら) written as ㈱さくら and Sakura K.K. with the same
#: domain spelled three ways; c5 has c4's name (Acme) but another domain: a different company;
#: c7 is c6 (国税庁) by corporate number under an English name; c9 is c8 by name, neither with
#: a domain.
COMPANIES = """\
company_id,name,domain,country,corporate_number
c1,株式会社さくら,sakura.co.jp,JP,
c2,㈱さくら,https://www.sakura.co.jp/,,
c3,Sakura K.K.,SAKURA.CO.JP,JP,
c4,"Acme, Inc.",acme.com,US,
c5,ACME Corporation,acme.co.uk,GB,
c6,国税庁,nta.go.jp,JP,7000012050002
c7,National Tax Agency,,,7000012050002
c8,Beta LLC,,US,
c9,Beta,,,
"""

#: People: p2 is p1 written without the space at c2 (= c1); p4 is p3 by email in another case
#: (at c5, another company: email is enough); p5 has p1's name at another company (Acme); p6 is
#: p1's name romanized with no email to confirm it; p8 is p7 in kanji, confirmed by email.
PEOPLE = """\
person_id,company_id,full_name,email,title
p1,c1,佐藤 花子,hanako.sato@sakura.co.jp,部長
p2,c2,佐藤花子,,
p3,c4,Ann Lee,ann@acme.com,
p4,c5,ANN LEE,ANN@ACME.COM,CTO
p5,c4,佐藤 花子,,
p6,c1,Sato Hanako,,
p7,c6,Taro Yamada,taro@nta.go.jp,
p8,c7,山田 太郎,TARO@nta.go.jp,
"""

TEAM = """\
member_id,full_name,team_role
m1,Eve AE,ae
"""

BUYING_ROLES = """\
person_id,role,since
p1,decider,2025-04-01
p2,decider,2024-01-01
p2,champion,
p6,user,
"""

RELATIONSHIPS = """\
from_person_id,to_person_id,type,strength
p2,p1,knows,
p3,p2,influences,0.7
"""

DEALS = """\
deal_id,company_id,stage,owner_id
d1,c3,proposal,m1
"""

DEAL_CONTACTS = """\
deal_id,person_id,role
d1,p4,sponsor
d1,p3,user
"""

TOUCHES = """\
touch_id,member_id,person_id,type,occurred_at
t1,m1,p1,meeting,2026-03-01T10:00:00+09:00
t2,m1,p2,call,2026-03-02T10:00:00+09:00
t3,m1,p6,email,2026-03-03T10:00:00+09:00
t4,m1,p8,email,2026-03-04T10:00:00+09:00
"""

FILES = {
    "companies.csv": COMPANIES,
    "people.csv": PEOPLE,
    "team.csv": TEAM,
    "buying_roles.csv": BUYING_ROLES,
    "relationships.csv": RELATIONSHIPS,
    "deals.csv": DEALS,
    "deal_contacts.csv": DEAL_CONTACTS,
    "touches.csv": TOUCHES,
}

#: Exactly the merges the bundle must produce: (kind, kept id, merged id, rule).
PLANTED = {
    ("companies", "c1", "c2", "domain"),
    ("companies", "c1", "c3", "domain"),
    ("companies", "c6", "c7", "corporate_number"),
    ("companies", "c8", "c9", "name"),
    ("people", "p1", "p2", "name"),
    ("people", "p3", "p4", "email"),
    ("people", "p7", "p8", "email"),
}


def write_bundle(path: Path, files: dict[str, str] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in (files if files is not None else FILES).items():
        (path / name).write_text(text, encoding="utf-8")
    return path


def write_overrides(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
