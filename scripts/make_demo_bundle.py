#!/usr/bin/env python3
"""Write the demo bundle (the CSV files ``abmgraph demo`` loads) to ``graph_service/demo_bundle/``.

The bundle is committed; this script is kept so that it can be regenerated. It is deterministic
(seeded, standard library only) and ends with :func:`check`, which asserts the counts, the
referential integrity and the gaps planted for the analytics to find.

The story: we are *Tessera Data*, a seller of data-platform software and services (categories
``analytics``, ``data-integration``, ``support``). "Today" is 2026-11-20, the last day of the
touch history. Planted findings:

* c-03 みなとリテール has no decider identified, although its deal d-12 is in negotiation.
* c-06 Bluefin Logistics has no champion, and the account is going cold (no touch after
  2026-07-28).
* bu-07 東都銀行 リスク管理部 has a wallet estimate but no people at all.
* c-04 Sakura Manufacturing America (subsidiary of c-01) has a single open deal, d-14, whose
  only contact is p-41 (single-threaded).
* p-16 池田 秀樹, the decider at c-02 東都銀行, was last touched on 2026-03-17 (eight months
  ago), although the bank is worked steadily at staff level and d-08 is in proposal.

Usage::

    python scripts/make_demo_bundle.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

SEED = 20261120
TODAY = date(2026, 11, 20)
TOUCH_START = date(2025, 5, 23)
TOUCH_END = date(2026, 11, 20)
N_TOUCHES = 500
N_PEOPLE = 64
FW_SPACE = "\u3000"  # full-width (ideographic) space between family and given name
OUR_DOMAIN = "tesseradata.com"

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "graph_service" / "demo_bundle"

HEADERS: dict[str, tuple[str, ...]] = {
    "companies": (
        "company_id",
        "name",
        "domain",
        "industry",
        "employees",
        "annual_revenue",
        "country",
        "parent_company_id",
    ),
    "business_units": ("bu_id", "company_id", "name", "parent_bu_id", "org_type"),
    "people": (
        "person_id",
        "company_id",
        "full_name",
        "bu_id",
        "email",
        "title",
        "seniority",
        "reports_to",
    ),
    "buying_roles": ("person_id", "role", "bu_id", "since"),
    "relationships": ("from_person_id", "to_person_id", "type", "strength"),
    "team": ("member_id", "full_name", "email", "team_role", "manager_id", "region"),
    "account_team": ("company_id", "member_id", "role"),
    "deals": (
        "deal_id",
        "company_id",
        "stage",
        "bu_id",
        "name",
        "product",
        "category",
        "amount",
        "currency",
        "created_date",
        "close_date",
        "owner_id",
        "channel",
    ),
    "deal_contacts": ("deal_id", "person_id", "role"),
    "touches": (
        "touch_id",
        "member_id",
        "person_id",
        "type",
        "occurred_at",
        "direction",
        "deal_id",
        "notes",
    ),
    "next_actions": (
        "action_id",
        "company_id",
        "member_id",
        "due_date",
        "description",
        "person_id",
        "status",
    ),
    "wallet": ("company_id", "category", "amount", "as_of", "bu_id", "source"),
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "companies": ("company_id", "name"),
    "business_units": ("bu_id", "company_id", "name"),
    "people": ("person_id", "company_id", "full_name"),
    "buying_roles": ("person_id", "role"),
    "relationships": ("from_person_id", "to_person_id", "type"),
    "team": ("member_id", "full_name"),
    "account_team": ("company_id", "member_id"),
    "deals": ("deal_id", "company_id", "stage"),
    "deal_contacts": ("deal_id", "person_id"),
    "touches": ("touch_id", "member_id", "person_id", "type", "occurred_at"),
    "next_actions": ("action_id", "company_id", "member_id", "due_date", "description"),
    "wallet": ("company_id", "category", "amount", "as_of"),
}

Row = dict[str, str]
Bundle = dict[str, list[Row]]

OPEN_STAGES = ("prospecting", "qualifying", "proposal", "negotiation")
ALL_STAGES = (*OPEN_STAGES, "won", "lost")
ROLES = ("decider", "buyer", "influencer", "user", "gatekeeper", "initiator", "champion")
TOUCH_TYPES = ("meeting", "call", "email", "event", "webinar", "chat", "visit")

# --------------------------------------------------------------------------------------------
# Companies and business units
# --------------------------------------------------------------------------------------------

# id, name, domain, industry, employees, annual revenue (USD), country, parent
COMPANIES: tuple[tuple[str, str, str, str, int, int, str, str], ...] = (
    (
        "c-01",
        "株式会社さくら製作所",
        "sakura-seisakusho.co.jp",
        "Manufacturing",
        18400,
        4_350_000_000,
        "JP",
        "",
    ),
    ("c-02", "東都銀行", "totobank.co.jp", "Banking", 9200, 2_780_000_000, "JP", ""),
    (
        "c-03",
        "みなとリテール株式会社",
        "minato-retail.co.jp",
        "Retail",
        6300,
        1_920_000_000,
        "JP",
        "",
    ),
    (
        "c-04",
        "Sakura Manufacturing America, Inc.",
        "sakura-mfg-us.com",
        "Manufacturing",
        2150,
        640_000_000,
        "US",
        "c-01",
    ),
    (
        "c-05",
        "Granite Peak Health",
        "granitepeakhealth.com",
        "Healthcare",
        14200,
        3_650_000_000,
        "US",
        "",
    ),
    (
        "c-06",
        "Bluefin Logistics Corp.",
        "bluefinlogistics.com",
        "Logistics",
        3800,
        1_150_000_000,
        "US",
        "",
    ),
)

# id, company, name, parent bu, org type
BUSINESS_UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    ("bu-01", "c-01", "生産本部", "", "divisional"),
    ("bu-02", "c-01", "生産技術部", "bu-01", "functional"),
    ("bu-03", "c-01", "情報システム部", "", "functional"),
    ("bu-04", "c-01", "DX推進プロジェクト", "bu-03", "project"),
    ("bu-05", "c-02", "リテール営業本部", "", "divisional"),
    ("bu-06", "c-02", "IT統括部", "", "functional"),
    ("bu-07", "c-02", "リスク管理部", "", "functional"),
    ("bu-08", "c-03", "店舗事業本部", "", "divisional"),
    ("bu-09", "c-03", "EC事業部", "bu-08", "divisional"),
    ("bu-10", "c-03", "経営企画部", "", "functional"),
    ("bu-11", "c-04", "Operations", "", "divisional"),
    ("bu-12", "c-04", "Information Technology", "", "functional"),
    ("bu-13", "c-05", "Clinical Operations", "", "divisional"),
    ("bu-14", "c-05", "Data & Analytics", "", "functional"),
    ("bu-15", "c-05", "Revenue Cycle", "bu-13", "functional"),
    ("bu-16", "c-05", "EHR Modernization Program", "bu-14", "project"),
    ("bu-17", "c-06", "Freight Services", "", "divisional"),
    ("bu-18", "c-06", "Technology", "", "functional"),
    ("bu-19", "c-06", "Route Optimization Program", "bu-18", "project"),
)

# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """One person at an account, before it becomes a CSV row."""

    person_id: str
    company_id: str
    bu_id: str
    full_name: str
    email_local: str
    title: str
    seniority: str
    reports_to: str


# id, company, bu, "family given" in kanji, "family given" in romaji, full-width space?,
# title, seniority, reports to
JpRow = tuple[str, str, str, str, str, bool, str, str, str]
# id, company, bu, "Given Family", title, seniority, reports to
EnRow = tuple[str, str, str, str, str, str, str]


def _jp(row: JpRow) -> PersonSpec:
    """A Japanese person, written with or without a full-width space."""
    pid, company, bu, kanji, romaji, spaced, title, seniority, reports_to = row
    family, given = kanji.split(" ")
    r_family, r_given = romaji.split(" ")
    name = f"{family}{FW_SPACE}{given}" if spaced else f"{family}{given}"
    return PersonSpec(pid, company, bu, name, f"{r_family}.{r_given}", title, seniority, reports_to)


def _en(row: EnRow) -> PersonSpec:
    """An English-speaking person; the email is given.family on the company domain."""
    pid, company, bu, name, title, seniority, reports_to = row
    local = ".".join("".join(ch for ch in part if ch.isalpha()) for part in name.split(" "))
    return PersonSpec(pid, company, bu, name, local.lower(), title, seniority, reports_to)


PEOPLE: tuple[PersonSpec, ...] = (
    # c-01 株式会社さくら製作所 (14)
    _jp(("p-01", "c-01", "", "高橋 誠", "takahashi makoto", True, "代表取締役社長", "c_level", "")),
    _jp(
        (
            "p-02",
            "c-01",
            "bu-03",
            "渡辺 浩二",
            "watanabe koji",
            False,
            "取締役 CIO",
            "c_level",
            "p-01",
        )
    ),
    _jp(
        (
            "p-03",
            "c-01",
            "bu-01",
            "伊藤 由美",
            "ito yumi",
            True,
            "執行役員 生産本部長",
            "vp",
            "p-01",
        )
    ),
    _jp(
        (
            "p-04",
            "c-01",
            "bu-03",
            "山田 太郎",
            "yamada taro",
            True,
            "情報システム部長",
            "director",
            "p-02",
        )
    ),
    _jp(
        (
            "p-05",
            "c-01",
            "bu-04",
            "中村 さくら",
            "nakamura sakura",
            False,
            "DX推進プロジェクト リーダー",
            "director",
            "p-02",
        )
    ),
    _jp(
        (
            "p-06",
            "c-01",
            "bu-02",
            "小林 大輔",
            "kobayashi daisuke",
            True,
            "生産技術部長",
            "director",
            "p-03",
        )
    ),
    _jp(
        (
            "p-07",
            "c-01",
            "bu-03",
            "加藤 健太",
            "kato kenta",
            True,
            "情報システム部 課長",
            "manager",
            "p-04",
        )
    ),
    _jp(
        (
            "p-08",
            "c-01",
            "bu-04",
            "吉田 直美",
            "yoshida naomi",
            False,
            "DX推進プロジェクト マネージャー",
            "manager",
            "p-05",
        )
    ),
    _jp(
        (
            "p-09",
            "c-01",
            "bu-02",
            "山口 翔",
            "yamaguchi sho",
            True,
            "生産技術部 課長",
            "manager",
            "p-06",
        )
    ),
    _jp(
        (
            "p-10",
            "c-01",
            "bu-03",
            "松本 千尋",
            "matsumoto chihiro",
            True,
            "情報システム部 主任",
            "staff",
            "p-07",
        )
    ),
    _jp(
        (
            "p-11",
            "c-01",
            "bu-04",
            "井上 拓也",
            "inoue takuya",
            False,
            "データエンジニア",
            "staff",
            "p-08",
        )
    ),
    _jp(
        ("p-12", "c-01", "bu-02", "木村 彩", "kimura aya", True, "生産技術部 技師", "staff", "p-09")
    ),
    _jp(
        (
            "p-13",
            "c-01",
            "bu-01",
            "林 優斗",
            "hayashi yuto",
            True,
            "生産本部 企画担当",
            "staff",
            "p-03",
        )
    ),
    _jp(
        (
            "p-14",
            "c-01",
            "",
            "清水 恵",
            "shimizu megumi",
            False,
            "調達部 購買課長",
            "manager",
            "p-03",
        )
    ),
    # c-02 東都銀行 (12) — nobody in bu-07 リスク管理部
    _jp(("p-15", "c-02", "", "森 正和", "mori masakazu", True, "取締役頭取", "c_level", "")),
    _jp(
        (
            "p-16",
            "c-02",
            "bu-06",
            "池田 秀樹",
            "ikeda hideki",
            True,
            "常務執行役員 CIO",
            "c_level",
            "p-15",
        )
    ),
    _jp(
        (
            "p-17",
            "c-02",
            "bu-05",
            "橋本 昌子",
            "hashimoto masako",
            False,
            "執行役員 リテール営業本部長",
            "vp",
            "p-15",
        )
    ),
    _jp(
        (
            "p-18",
            "c-02",
            "bu-06",
            "石川 隆",
            "ishikawa takashi",
            True,
            "IT統括部長",
            "director",
            "p-16",
        )
    ),
    _jp(
        (
            "p-19",
            "c-02",
            "bu-05",
            "前田 美穂",
            "maeda miho",
            False,
            "リテール企画部長",
            "director",
            "p-17",
        )
    ),
    _jp(
        ("p-20", "c-02", "bu-06", "藤田 亮", "fujita ryo", True, "IT統括部 次長", "manager", "p-18")
    ),
    _jp(
        (
            "p-21",
            "c-02",
            "bu-06",
            "岡田 由紀",
            "okada yuki",
            False,
            "データ活用推進室 室長",
            "manager",
            "p-18",
        )
    ),
    _jp(
        (
            "p-22",
            "c-02",
            "bu-05",
            "後藤 直樹",
            "goto naoki",
            True,
            "リテール企画部 課長",
            "manager",
            "p-19",
        )
    ),
    _jp(
        (
            "p-23",
            "c-02",
            "bu-06",
            "長谷川 舞",
            "hasegawa mai",
            False,
            "IT統括部 システム企画担当",
            "staff",
            "p-20",
        )
    ),
    _jp(
        (
            "p-24",
            "c-02",
            "bu-06",
            "村上 隼人",
            "murakami hayato",
            True,
            "データアナリスト",
            "staff",
            "p-21",
        )
    ),
    _jp(
        (
            "p-25",
            "c-02",
            "bu-05",
            "近藤 咲",
            "kondo saki",
            True,
            "リテール企画部 担当",
            "staff",
            "p-22",
        )
    ),
    _jp(
        (
            "p-26",
            "c-02",
            "bu-06",
            "坂本 修",
            "sakamoto osamu",
            False,
            "IT統括部 調達担当",
            "staff",
            "p-20",
        )
    ),
    # c-03 みなとリテール株式会社 (10) — no decider identified
    _jp(("p-27", "c-03", "", "遠藤 和也", "endo kazuya", True, "代表取締役社長", "c_level", "")),
    _jp(
        (
            "p-28",
            "c-03",
            "bu-10",
            "青木 理恵",
            "aoki rie",
            True,
            "取締役 経営企画担当",
            "vp",
            "p-27",
        )
    ),
    _jp(
        (
            "p-29",
            "c-03",
            "bu-08",
            "西村 浩",
            "nishimura hiroshi",
            False,
            "執行役員 店舗事業本部長",
            "vp",
            "p-27",
        )
    ),
    _jp(
        (
            "p-30",
            "c-03",
            "bu-09",
            "福田 真由美",
            "fukuda mayumi",
            True,
            "EC事業部長",
            "director",
            "p-29",
        )
    ),
    _jp(
        (
            "p-31",
            "c-03",
            "bu-10",
            "太田 悟",
            "ota satoru",
            False,
            "経営企画部長",
            "director",
            "p-28",
        )
    ),
    _jp(
        (
            "p-32",
            "c-03",
            "bu-09",
            "三浦 香織",
            "miura kaori",
            True,
            "EC事業部 マネージャー",
            "manager",
            "p-30",
        )
    ),
    _jp(
        (
            "p-33",
            "c-03",
            "bu-10",
            "藤井 康介",
            "fujii kosuke",
            True,
            "経営企画部 データ分析グループ マネージャー",
            "manager",
            "p-31",
        )
    ),
    _jp(
        (
            "p-34",
            "c-03",
            "bu-09",
            "岡本 愛",
            "okamoto ai",
            False,
            "EC事業部 サイト運営担当",
            "staff",
            "p-32",
        )
    ),
    _jp(
        (
            "p-35",
            "c-03",
            "bu-10",
            "松田 悠",
            "matsuda yu",
            True,
            "データアナリスト",
            "staff",
            "p-33",
        )
    ),
    _jp(
        (
            "p-36",
            "c-03",
            "bu-08",
            "中川 智子",
            "nakagawa tomoko",
            False,
            "店舗運営部 担当",
            "staff",
            "p-29",
        )
    ),
    # c-04 Sakura Manufacturing America, Inc. (8) — subsidiary of c-01
    _en(("p-37", "c-04", "", "Robert Miller", "President & CEO", "c_level", "")),
    _en(("p-38", "c-04", "bu-11", "Jennifer Walsh", "VP Operations", "vp", "p-37")),
    _en(("p-39", "c-04", "bu-12", "Michael Torres", "Director of IT", "director", "p-37")),
    _en(("p-40", "c-04", "bu-11", "Sarah Kim", "Plant Operations Director", "director", "p-38")),
    _en(
        (
            "p-41",
            "c-04",
            "bu-12",
            "David Nguyen",
            "IT Manager, Manufacturing Systems",
            "manager",
            "p-39",
        )
    ),
    _en(("p-42", "c-04", "bu-11", "Laura Bennett", "Operations Manager", "manager", "p-40")),
    _en(("p-43", "c-04", "bu-12", "Kevin Patel", "Systems Analyst", "staff", "p-41")),
    _en(("p-44", "c-04", "bu-11", "Amanda Foster", "Production Planner", "staff", "p-42")),
    # c-05 Granite Peak Health (12)
    _en(("p-45", "c-05", "", "Catherine Hayes", "Chief Executive Officer", "c_level", "")),
    _en(("p-46", "c-05", "bu-14", "Marcus Reed", "Chief Data Officer", "c_level", "p-45")),
    _en(("p-47", "c-05", "bu-13", "Patricia Lin", "SVP Clinical Operations", "vp", "p-45")),
    _en(
        (
            "p-48",
            "c-05",
            "bu-14",
            "James O'Connor",
            "Director, Data Engineering",
            "director",
            "p-46",
        )
    ),
    _en(
        ("p-49", "c-05", "bu-16", "Rachel Adams", "Director, EHR Modernization", "director", "p-46")
    ),
    _en(("p-50", "c-05", "bu-15", "Thomas Wright", "Director, Revenue Cycle", "director", "p-47")),
    _en(("p-51", "c-05", "bu-14", "Olivia Martinez", "Analytics Manager", "manager", "p-48")),
    _en(
        (
            "p-52",
            "c-05",
            "bu-16",
            "Brian Cooper",
            "Program Manager, EHR Migration",
            "manager",
            "p-49",
        )
    ),
    _en(("p-53", "c-05", "bu-15", "Nicole Evans", "Revenue Integrity Manager", "manager", "p-50")),
    _en(("p-54", "c-05", "bu-14", "Ethan Clark", "Senior Data Engineer", "staff", "p-51")),
    _en(("p-55", "c-05", "bu-14", "Grace Turner", "BI Analyst", "staff", "p-51")),
    _en(("p-56", "c-05", "bu-14", "Steven Hall", "IT Procurement Specialist", "staff", "p-48")),
    # c-06 Bluefin Logistics Corp. (8) — no champion, going cold
    _en(("p-57", "c-06", "", "Gregory Shaw", "Chief Executive Officer", "c_level", "")),
    _en(("p-58", "c-06", "bu-18", "Linda Park", "Chief Technology Officer", "c_level", "p-57")),
    _en(("p-59", "c-06", "bu-17", "Mark Sullivan", "VP Freight Services", "vp", "p-57")),
    _en(
        (
            "p-60",
            "c-06",
            "bu-18",
            "Angela Rivera",
            "Director, IT Infrastructure",
            "director",
            "p-58",
        )
    ),
    _en(
        (
            "p-61",
            "c-06",
            "bu-17",
            "Paul Henderson",
            "Director, Network Planning",
            "director",
            "p-59",
        )
    ),
    _en(("p-62", "c-06", "bu-19", "Samantha Price", "Route Optimization Lead", "manager", "p-60")),
    _en(("p-63", "c-06", "bu-19", "Jason Lee", "Data Analyst", "staff", "p-62")),
    _en(("p-64", "c-06", "bu-17", "Megan Ward", "Dispatch Operations Manager", "manager", "p-61")),
)

# person, role, bu scope ("" = company-wide), since
BUYING_ROLES: tuple[tuple[str, str, str, str], ...] = (
    # c-01
    ("p-02", "decider", "", "2024-04-01"),
    ("p-03", "influencer", "bu-01", "2024-06-15"),
    ("p-04", "influencer", "bu-03", "2024-06-15"),
    ("p-05", "champion", "bu-04", "2024-09-27"),
    ("p-05", "decider", "bu-04", "2025-04-01"),
    ("p-06", "influencer", "bu-02", "2025-02-10"),
    ("p-07", "user", "bu-03", "2025-03-28"),
    ("p-08", "initiator", "bu-04", "2024-06-10"),
    ("p-09", "user", "bu-02", "2026-08-03"),
    ("p-10", "user", "bu-03", "2025-03-28"),
    ("p-14", "buyer", "", "2024-11-05"),
    # c-02 (decider p-16 goes cold)
    ("p-16", "decider", "", "2023-04-01"),
    ("p-17", "influencer", "bu-05", "2025-04-08"),
    ("p-18", "influencer", "bu-06", "2024-07-01"),
    ("p-20", "gatekeeper", "bu-06", "2024-07-01"),
    ("p-21", "champion", "bu-06", "2025-06-01"),
    ("p-22", "initiator", "bu-05", "2025-04-08"),
    ("p-24", "user", "bu-06", "2025-09-30"),
    ("p-26", "buyer", "", "2024-07-01"),
    # c-03: no decider
    ("p-28", "influencer", "", "2025-01-20"),
    ("p-29", "influencer", "bu-08", "2025-01-20"),
    ("p-30", "champion", "bu-09", "2024-12-20"),
    ("p-31", "buyer", "bu-10", "2026-04-06"),
    ("p-32", "initiator", "bu-09", "2024-08-19"),
    ("p-33", "user", "bu-10", "2026-04-06"),
    ("p-34", "user", "bu-09", "2024-12-20"),
    # c-04
    ("p-37", "decider", "", "2025-03-03"),
    ("p-39", "influencer", "bu-12", "2026-07-21"),
    ("p-41", "champion", "bu-12", "2026-07-21"),
    ("p-42", "user", "bu-11", "2025-03-03"),
    ("p-43", "user", "bu-12", "2026-07-21"),
    # c-05
    ("p-46", "decider", "", "2024-09-09"),
    ("p-47", "influencer", "bu-13", "2024-09-09"),
    ("p-48", "champion", "bu-14", "2024-09-09"),
    ("p-49", "decider", "bu-16", "2026-03-09"),
    ("p-50", "initiator", "bu-15", "2026-10-05"),
    ("p-51", "user", "bu-14", "2025-01-31"),
    ("p-52", "champion", "bu-16", "2026-03-09"),
    ("p-53", "gatekeeper", "bu-15", "2026-10-05"),
    ("p-54", "user", "bu-14", "2025-01-31"),
    ("p-56", "buyer", "", "2024-09-09"),
    # c-06: no champion
    ("p-58", "decider", "", "2024-06-17"),
    ("p-59", "influencer", "bu-17", "2024-06-17"),
    ("p-60", "gatekeeper", "bu-18", "2025-09-15"),
    ("p-61", "initiator", "bu-17", "2026-01-12"),
    ("p-62", "user", "bu-19", "2024-11-15"),
    ("p-63", "user", "bu-19", "2024-11-15"),
)

# from, to, type, strength (None = unknown)
RELATIONSHIPS: tuple[tuple[str, str, str, float | None], ...] = (
    # c-01: champion p-05 -> p-04 -> decider p-02 -> CEO p-01
    ("p-05", "p-02", "influences", 0.80),
    ("p-04", "p-02", "influences", 0.70),
    ("p-05", "p-04", "worked_with", 0.60),
    ("p-08", "p-05", "influences", 0.75),
    ("p-11", "p-08", "worked_with", 0.55),
    ("p-07", "p-04", "influences", 0.50),
    ("p-06", "p-03", "influences", 0.60),
    ("p-03", "p-01", "influences", 0.85),
    ("p-02", "p-01", "influences", 0.75),
    ("p-14", "p-04", "knows", None),
    # c-02: champion p-21 -> p-18 -> decider p-16
    ("p-21", "p-18", "influences", 0.70),
    ("p-18", "p-16", "influences", 0.65),
    ("p-20", "p-18", "worked_with", 0.55),
    ("p-24", "p-21", "worked_with", 0.80),
    ("p-22", "p-19", "influences", 0.60),
    ("p-19", "p-17", "influences", 0.55),
    ("p-17", "p-16", "knows", None),
    ("p-16", "p-15", "influences", 0.90),
    # c-03: champion p-30 -> p-29 -> CEO p-27 (who holds no buying role)
    ("p-30", "p-29", "influences", 0.70),
    ("p-29", "p-27", "influences", 0.80),
    ("p-28", "p-27", "influences", 0.85),
    ("p-31", "p-28", "influences", 0.60),
    ("p-33", "p-31", "worked_with", 0.65),
    ("p-32", "p-30", "worked_with", 0.75),
    ("p-35", "p-33", "worked_with", 0.50),
    # c-04
    ("p-41", "p-39", "influences", 0.55),
    ("p-43", "p-41", "worked_with", 0.70),
    ("p-39", "p-37", "influences", 0.60),
    ("p-42", "p-41", "knows", 0.30),
    # c-05
    ("p-48", "p-46", "influences", 0.80),
    ("p-52", "p-49", "influences", 0.70),
    ("p-49", "p-46", "influences", 0.65),
    ("p-51", "p-48", "worked_with", 0.75),
    ("p-54", "p-51", "worked_with", 0.60),
    ("p-55", "p-54", "knows", None),
    ("p-50", "p-47", "influences", 0.60),
    ("p-47", "p-45", "influences", 0.80),
    # c-06
    ("p-62", "p-60", "influences", 0.60),
    ("p-60", "p-58", "influences", 0.55),
    ("p-61", "p-59", "influences", 0.65),
    ("p-63", "p-62", "worked_with", 0.70),
    ("p-64", "p-61", "knows", 0.40),
    # across parent c-01 and subsidiary c-04
    ("p-07", "p-41", "worked_with", 0.60),
    ("p-02", "p-37", "knows", 0.50),
    ("p-03", "p-38", "influences", 0.45),
)

# --------------------------------------------------------------------------------------------
# Our side: team and account teams
# --------------------------------------------------------------------------------------------

# id, name, email local part, team role, manager, region
TEAM: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("tm-1", f"山本{FW_SPACE}健一", "kenichi.yamamoto", "manager", "", "Japan"),
    ("tm-2", f"田中{FW_SPACE}美咲", "misaki.tanaka", "ae", "tm-1", "Japan"),
    ("tm-3", "Daniel Brooks", "daniel.brooks", "se", "tm-1", "North America"),
    ("tm-4", "Emily Chen", "emily.chen", "csm", "tm-1", "North America"),
)

ACCOUNT_TEAM: tuple[tuple[str, str, str], ...] = (
    ("c-01", "tm-2", "ae"),
    ("c-01", "tm-3", "se"),
    ("c-01", "tm-4", "csm"),
    ("c-02", "tm-2", "ae"),
    ("c-02", "tm-3", "se"),
    ("c-03", "tm-2", "ae"),
    ("c-04", "tm-1", "account lead"),
    ("c-04", "tm-3", "se"),
    ("c-05", "tm-1", "account lead"),
    ("c-05", "tm-3", "se"),
    ("c-05", "tm-4", "csm"),
    ("c-06", "tm-1", "account lead"),
    ("c-06", "tm-4", "csm"),
)

# --------------------------------------------------------------------------------------------
# Deals and their contacts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealSpec:
    """One deal, before it becomes a CSV row."""

    deal_id: str
    company_id: str
    stage: str
    bu_id: str
    name: str
    product: str
    category: str
    amount: int
    currency: str
    created: str
    close: str
    owner_id: str
    channel: str

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


P_ANALYTICS = "Tessera Analytics"
P_INTEGRATE = "Tessera Integrate"
P_ML = "Tessera ML"
P_SUPPORT = "Premier Support"
P_ONBOARD = "Onboarding Services"

DEALS: tuple[DealSpec, ...] = (
    # c-01 さくら製作所: a growing customer
    DealSpec(
        "d-01",
        "c-01",
        "won",
        "bu-04",
        "さくら製作所 生産データ分析 PoC",
        P_ANALYTICS,
        "analytics",
        18_000_000,
        "JPY",
        "2024-06-10",
        "2024-09-27",
        "tm-2",
        "direct",
    ),
    DealSpec(
        "d-02",
        "c-01",
        "won",
        "bu-03",
        "さくら製作所 生産データ統合 本番導入",
        P_INTEGRATE,
        "data-integration",
        62_000_000,
        "JPY",
        "2024-11-05",
        "2025-03-28",
        "tm-2",
        "direct",
    ),
    DealSpec(
        "d-03",
        "c-01",
        "won",
        "bu-03",
        "さくら製作所 保守サポート更新 FY2026",
        P_SUPPORT,
        "support",
        9_600_000,
        "JPY",
        "2025-12-01",
        "2026-03-31",
        "tm-4",
        "direct",
    ),
    DealSpec(
        "d-04",
        "c-01",
        "negotiation",
        "bu-04",
        "さくら製作所 全社分析基盤 拡張",
        P_ANALYTICS,
        "analytics",
        85_000_000,
        "JPY",
        "2026-05-12",
        "2026-12-18",
        "tm-2",
        "direct",
    ),
    DealSpec(
        "d-05",
        "c-01",
        "proposal",
        "bu-02",
        "さくら製作所 品質予測AI",
        P_ML,
        "analytics",
        24_000_000,
        "JPY",
        "2026-08-03",
        "2027-01-29",
        "tm-2",
        "partner",
    ),
    # c-02 東都銀行
    DealSpec(
        "d-06",
        "c-02",
        "lost",
        "bu-06",
        "東都銀行 データ連携基盤 刷新",
        P_INTEGRATE,
        "data-integration",
        120_000_000,
        "JPY",
        "2024-07-01",
        "2025-02-14",
        "tm-2",
        "partner",
    ),
    DealSpec(
        "d-07",
        "c-02",
        "won",
        "bu-05",
        "東都銀行 顧客分析ダッシュボード",
        P_ANALYTICS,
        "analytics",
        35_000_000,
        "JPY",
        "2025-04-08",
        "2025-09-30",
        "tm-2",
        "direct",
    ),
    DealSpec(
        "d-08",
        "c-02",
        "proposal",
        "bu-06",
        "東都銀行 勘定系データ統合",
        P_INTEGRATE,
        "data-integration",
        140_000_000,
        "JPY",
        "2026-02-16",
        "2027-03-31",
        "tm-2",
        "partner",
    ),
    DealSpec(
        "d-09",
        "c-02",
        "qualifying",
        "bu-06",
        "東都銀行 プレミアムサポート",
        P_SUPPORT,
        "support",
        12_000_000,
        "JPY",
        "2026-09-01",
        "2027-01-15",
        "tm-2",
        "direct",
    ),
    # c-03 みなとリテール
    DealSpec(
        "d-10",
        "c-03",
        "won",
        "bu-09",
        "みなとリテール EC購買分析",
        P_ANALYTICS,
        "analytics",
        14_500_000,
        "JPY",
        "2024-08-19",
        "2024-12-20",
        "tm-2",
        "online",
    ),
    DealSpec(
        "d-11",
        "c-03",
        "lost",
        "bu-08",
        "みなとリテール 店舗POSデータ統合",
        P_INTEGRATE,
        "data-integration",
        28_000_000,
        "JPY",
        "2025-01-20",
        "2025-06-30",
        "tm-2",
        "direct",
    ),
    DealSpec(
        "d-12",
        "c-03",
        "negotiation",
        "bu-10",
        "みなとリテール 需要予測基盤",
        P_ML,
        "analytics",
        46_000_000,
        "JPY",
        "2026-04-06",
        "2026-12-25",
        "tm-2",
        "direct",
    ),
    DealSpec(
        "d-13",
        "c-03",
        "prospecting",
        "bu-09",
        "みなとリテール 導入支援サービス",
        P_ONBOARD,
        "support",
        3_800_000,
        "JPY",
        "2026-10-14",
        "2027-02-26",
        "tm-2",
        "online",
    ),
    # c-04 Sakura Manufacturing America: one open deal, one contact
    DealSpec(
        "d-14",
        "c-04",
        "qualifying",
        "bu-12",
        "SMA Plant Data Integration",
        P_INTEGRATE,
        "data-integration",
        420_000,
        "USD",
        "2026-07-21",
        "2027-02-26",
        "tm-1",
        "direct",
    ),
    DealSpec(
        "d-15",
        "c-04",
        "lost",
        "bu-11",
        "SMA Operations Reporting Pilot",
        P_ANALYTICS,
        "analytics",
        85_000,
        "USD",
        "2025-03-03",
        "2025-07-25",
        "tm-1",
        "online",
    ),
    # c-05 Granite Peak Health: a growing customer
    DealSpec(
        "d-16",
        "c-05",
        "won",
        "bu-14",
        "GPH Enterprise Analytics Platform",
        P_ANALYTICS,
        "analytics",
        780_000,
        "USD",
        "2024-09-09",
        "2025-01-31",
        "tm-1",
        "direct",
    ),
    DealSpec(
        "d-17",
        "c-05",
        "won",
        "bu-14",
        "GPH Premier Support 2026",
        P_SUPPORT,
        "support",
        156_000,
        "USD",
        "2025-08-01",
        "2025-12-19",
        "tm-4",
        "direct",
    ),
    DealSpec(
        "d-18",
        "c-05",
        "proposal",
        "bu-16",
        "GPH EHR Data Migration",
        P_INTEGRATE,
        "data-integration",
        1_250_000,
        "USD",
        "2026-03-09",
        "2027-01-22",
        "tm-1",
        "partner",
    ),
    DealSpec(
        "d-19",
        "c-05",
        "prospecting",
        "bu-15",
        "GPH Revenue Cycle Analytics",
        P_ANALYTICS,
        "analytics",
        340_000,
        "USD",
        "2026-10-05",
        "2027-03-31",
        "tm-1",
        "direct",
    ),
    DealSpec(
        "d-20",
        "c-05",
        "lost",
        "bu-14",
        "GPH Real-time Integration Add-on",
        P_INTEGRATE,
        "data-integration",
        210_000,
        "USD",
        "2025-05-12",
        "2025-10-31",
        "tm-1",
        "direct",
    ),
    # c-06 Bluefin Logistics: going cold
    DealSpec(
        "d-21",
        "c-06",
        "won",
        "bu-19",
        "Bluefin Route Analytics",
        P_ANALYTICS,
        "analytics",
        260_000,
        "USD",
        "2024-06-17",
        "2024-11-15",
        "tm-1",
        "partner",
    ),
    DealSpec(
        "d-22",
        "c-06",
        "qualifying",
        "bu-18",
        "Bluefin Freight Data Hub",
        P_INTEGRATE,
        "data-integration",
        540_000,
        "USD",
        "2025-09-15",
        "2026-12-11",
        "tm-1",
        "direct",
    ),
    DealSpec(
        "d-23",
        "c-06",
        "lost",
        "bu-18",
        "Bluefin Premier Support",
        P_SUPPORT,
        "support",
        95_000,
        "USD",
        "2025-11-03",
        "2026-04-30",
        "tm-4",
        "direct",
    ),
    DealSpec(
        "d-24",
        "c-06",
        "prospecting",
        "bu-17",
        "Bluefin Fleet Telemetry Integration",
        P_INTEGRATE,
        "data-integration",
        180_000,
        "USD",
        "2026-01-12",
        "2027-02-26",
        "tm-1",
        "online",
    ),
)

DEAL_CONTACTS: tuple[tuple[str, str, str], ...] = (
    ("d-01", "p-05", "champion"),
    ("d-01", "p-08", "initiator"),
    ("d-02", "p-02", "decider"),
    ("d-02", "p-04", "influencer"),
    ("d-03", "p-07", "user"),
    ("d-03", "p-14", "buyer"),
    ("d-04", "p-02", "decider"),
    ("d-04", "p-05", "champion"),
    ("d-04", "p-08", "initiator"),
    ("d-04", "p-14", "buyer"),
    ("d-05", "p-06", "influencer"),
    ("d-05", "p-09", "user"),
    ("d-06", "p-18", "influencer"),
    ("d-06", "p-20", "gatekeeper"),
    ("d-07", "p-17", "influencer"),
    ("d-07", "p-22", "initiator"),
    ("d-08", "p-16", "decider"),
    ("d-08", "p-18", "influencer"),
    ("d-08", "p-21", "champion"),
    ("d-08", "p-26", "buyer"),
    ("d-09", "p-20", "gatekeeper"),
    ("d-09", "p-23", "user"),
    ("d-10", "p-30", "champion"),
    ("d-10", "p-32", "initiator"),
    ("d-11", "p-29", "influencer"),
    ("d-11", "p-36", "user"),
    ("d-12", "p-28", "influencer"),
    ("d-12", "p-31", "buyer"),
    ("d-12", "p-30", "champion"),
    ("d-13", "p-32", "initiator"),
    ("d-13", "p-34", "user"),
    ("d-14", "p-41", "champion"),
    ("d-15", "p-42", "user"),
    ("d-15", "p-38", "influencer"),
    ("d-16", "p-46", "decider"),
    ("d-16", "p-48", "champion"),
    ("d-17", "p-48", "champion"),
    ("d-17", "p-56", "buyer"),
    ("d-18", "p-49", "decider"),
    ("d-18", "p-52", "champion"),
    ("d-18", "p-46", "decider"),
    ("d-19", "p-50", "initiator"),
    ("d-19", "p-53", "gatekeeper"),
    ("d-20", "p-48", "champion"),
    ("d-21", "p-58", "decider"),
    ("d-21", "p-62", "user"),
    ("d-22", "p-60", "gatekeeper"),
    ("d-22", "p-58", "decider"),
    ("d-23", "p-60", "gatekeeper"),
    ("d-23", "p-63", "user"),
    ("d-24", "p-61", "initiator"),
    ("d-24", "p-64", "user"),
)

# --------------------------------------------------------------------------------------------
# Next actions and wallet
# --------------------------------------------------------------------------------------------

# id, company, member, due, description, person, status
NEXT_ACTIONS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "a-01",
        "c-02",
        "tm-2",
        "2026-11-27",
        "池田CIOとの面談を再設定する（最終接点は3月）",
        "p-16",
        "open",
    ),
    (
        "a-02",
        "c-03",
        "tm-2",
        "2026-12-04",
        "需要予測基盤の最終決裁者を青木取締役に確認する",
        "p-28",
        "open",
    ),
    (
        "a-03",
        "c-04",
        "tm-1",
        "2026-12-02",
        "Multi-thread the plant data deal: ask David Nguyen for an intro to Michael Torres",
        "p-41",
        "open",
    ),
    (
        "a-04",
        "c-06",
        "tm-1",
        "2026-11-13",
        "Re-engage Linda Park on the Freight Data Hub timeline",
        "p-58",
        "open",
    ),
    ("a-05", "c-01", "tm-2", "2026-12-11", "全社分析基盤 拡張の最終見積を提出する", "p-14", "open"),
    (
        "a-06",
        "c-01",
        "tm-3",
        "2026-11-06",
        "DX推進プロジェクト向けデモ環境を準備する",
        "p-08",
        "done",
    ),
    (
        "a-07",
        "c-05",
        "tm-3",
        "2026-11-25",
        "EHR migration: technical deep-dive with Brian Cooper's team",
        "p-52",
        "open",
    ),
    (
        "a-08",
        "c-05",
        "tm-4",
        "2026-10-30",
        "Quarterly business review with Data & Analytics",
        "p-48",
        "done",
    ),
    (
        "a-09",
        "c-02",
        "tm-3",
        "2026-12-09",
        "リスク管理部のキーパーソンを岡田室長に紹介してもらう",
        "p-21",
        "open",
    ),
    (
        "a-10",
        "c-03",
        "tm-2",
        "2026-11-18",
        "EC事業部 福田部長へ導入事例資料を送付する",
        "p-30",
        "done",
    ),
)

# company, category, amount (in the account's deal currency: JPY for JP, USD for US), as_of,
# bu, source
WALLET: tuple[tuple[str, str, int, str, str, str], ...] = (
    ("c-01", "analytics", 240_000_000, "2025-04-01", "", "analyst"),
    ("c-01", "analytics", 310_000_000, "2026-04-01", "", "survey"),
    ("c-01", "data-integration", 150_000_000, "2026-04-01", "", "model"),
    ("c-01", "support", 40_000_000, "2026-04-01", "bu-03", "manual"),
    ("c-02", "analytics", 120_000_000, "2025-10-01", "bu-05", "analyst"),
    ("c-02", "data-integration", 380_000_000, "2026-04-01", "bu-06", "analyst"),
    ("c-02", "analytics", 95_000_000, "2026-04-01", "bu-07", "model"),
    ("c-03", "analytics", 60_000_000, "2025-07-01", "", "model"),
    ("c-03", "analytics", 85_000_000, "2026-07-01", "", "survey"),
    ("c-03", "data-integration", 45_000_000, "2026-01-01", "", "manual"),
    ("c-04", "data-integration", 1_200_000, "2026-06-30", "bu-12", "manual"),
    ("c-05", "analytics", 4_500_000, "2025-01-01", "", "analyst"),
    ("c-05", "analytics", 5_200_000, "2026-01-01", "", "analyst"),
    ("c-05", "data-integration", 3_000_000, "2026-01-01", "bu-16", "survey"),
    ("c-05", "support", 600_000, "2026-01-01", "", "model"),
    ("c-06", "analytics", 900_000, "2025-06-30", "", "model"),
    ("c-06", "data-integration", 1_400_000, "2025-06-30", "bu-18", "manual"),
)

# --------------------------------------------------------------------------------------------
# Touches
# --------------------------------------------------------------------------------------------

COLD_DECIDER = "p-16"
COLD_DECIDER_LAST = datetime(2026, 3, 17, 14, 0, tzinfo=timezone(timedelta(hours=9)))
COLD_ACCOUNT = "c-06"
COLD_ACCOUNT_LAST = date(2026, 7, 28)
SINGLE_THREADED = ("c-04", "d-14", "p-41")

# touches per account (planted ones included); sums to N_TOUCHES
QUOTA: dict[str, int] = {"c-01": 140, "c-02": 100, "c-03": 75, "c-04": 35, "c-05": 105, "c-06": 45}
# how touch volume develops over the 18 months
PROFILE: dict[str, str] = {
    "c-01": "ramp",
    "c-02": "flat",
    "c-03": "ramp",
    "c-04": "late",
    "c-05": "ramp",
    "c-06": "cold",
}
# standard UTC offset of the account's local time (US ones observe daylight saving time)
STD_OFFSET: dict[str, int] = {"c-01": 9, "c-02": 9, "c-03": 9, "c-04": -6, "c-05": -5, "c-06": -8}
US_DST: dict[int, tuple[date, date]] = {
    2025: (date(2025, 3, 9), date(2025, 11, 2)),
    2026: (date(2026, 3, 8), date(2026, 11, 1)),
}

TYPE_WEIGHTS: dict[str, int] = {
    "email": 38,
    "call": 16,
    "meeting": 14,
    "chat": 9,
    "webinar": 8,
    "event": 6,
    "visit": 9,
}
INBOUND_P: dict[str, float] = {
    "email": 0.35,
    "call": 0.3,
    "chat": 0.5,
    "meeting": 0.2,
    "visit": 0.0,
    "event": 0.8,
    "webinar": 0.9,
}
ROLE_WEIGHT: dict[str, float] = {
    "champion": 5.0,
    "initiator": 3.0,
    "decider": 2.5,
    "influencer": 2.5,
    "buyer": 2.0,
    "user": 1.5,
    "gatekeeper": 1.5,
}
PERSON_WEIGHT_OVERRIDE: dict[str, float] = {
    # single-threaded account: nearly everything goes to the champion
    "p-41": 12.0,
    "p-43": 1.5,
    "p-42": 0.8,
    "p-39": 0.4,
    "p-37": 0.0,
    "p-38": 0.0,
    "p-40": 0.0,
    "p-44": 0.0,
}

NOTES: dict[tuple[str, str], tuple[str, ...]] = {
    ("ja", "email"): (
        "提案書を送付",
        "見積の件でフォロー",
        "次回打合せの日程調整",
        "導入事例資料を送付",
        "技術資料の問い合わせに回答",
        "契約条件の確認依頼",
    ),
    ("ja", "call"): ("要件ヒアリング", "予算状況の確認", "PoCの進捗確認", "決裁プロセスの確認"),
    ("ja", "meeting"): (
        "定例打合せ",
        "PoC結果の報告",
        "データ基盤の課題ヒアリング",
        "アーキテクチャレビュー",
        "提案内容の説明",
    ),
    ("ja", "visit"): (
        "本社訪問・ご挨拶",
        "工場訪問とデータ活用の意見交換",
        "現地で要件ワークショップ",
    ),
    ("ja", "event"): ("Tessera Data Summit 東京で面談", "業界カンファレンスのブースで名刺交換"),
    ("ja", "webinar"): (
        "ウェビナー「データ統合の始め方」に参加",
        "ウェビナー「生成AI時代の分析基盤」に参加",
    ),
    ("ja", "chat"): (
        "Slackで技術的な質問に回答",
        "接続設定のトラブルシュート",
        "ライセンス数の確認",
    ),
    ("en", "email"): (
        "Sent proposal",
        "Followed up on pricing",
        "Scheduling next meeting",
        "Shared case study",
        "Answered security questionnaire",
        "Sent contract redlines",
    ),
    ("en", "call"): (
        "Discovery call",
        "Budget check-in",
        "PoC status update",
        "Walked through the buying process",
    ),
    ("en", "meeting"): (
        "Weekly sync",
        "PoC readout",
        "Architecture review",
        "Roadmap session",
        "Proposal walkthrough",
    ),
    ("en", "visit"): (
        "Onsite visit at HQ",
        "Plant tour and data workshop",
        "Onsite requirements workshop",
    ),
    ("en", "event"): ("Met at Tessera Data Summit", "Booth conversation at industry conference"),
    ("en", "webinar"): (
        "Attended webinar: Modern data integration",
        "Attended webinar: Analytics for operations",
    ),
    ("en", "chat"): (
        "Answered a connector question",
        "Troubleshooting a pipeline",
        "License count question",
    ),
}


@dataclass(frozen=True, slots=True)
class TouchSpec:
    """One touch, before ids are assigned in chronological order."""

    member_id: str
    person_id: str
    type: str
    occurred_at: datetime
    direction: str
    deal_id: str
    notes: str


def _tz(company_id: str, day: date) -> timezone:
    offset = STD_OFFSET[company_id]
    if offset < 0:
        start, end = US_DST[day.year]
        if start <= day < end:
            offset += 1
    return timezone(timedelta(hours=offset))


def _at(company_id: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=_tz(company_id, day))


def _profile_weight(profile: str, day: date) -> float:
    span = (TOUCH_END - TOUCH_START).days
    t = (day - TOUCH_START).days / span
    if profile == "ramp":
        return 0.35 + 1.65 * math.pow(t, 1.5)
    if profile == "flat":
        return 1.0 + 0.15 * math.sin(t * 6 * math.pi)
    if profile == "late":
        return 0.25 if day < date(2026, 7, 1) else 1.6
    if profile == "cold":
        cut = (COLD_ACCOUNT_LAST - timedelta(days=4) - TOUCH_START).days / span
        return 0.0 if t > cut else 0.15 + 1.6 * math.pow(1 - t / cut, 1.5)
    raise ValueError(profile)


def _planted_touches() -> list[tuple[str, TouchSpec]]:
    """The touches the story depends on, as (company, touch)."""
    return [
        # the cold decider at 東都銀行: last touched eight months before "today"
        (
            "c-02",
            TouchSpec(
                "tm-2",
                "p-16",
                "meeting",
                COLD_DECIDER_LAST,
                "outbound",
                "d-08",
                "池田CIOと勘定系データ統合の方針について面談",
            ),
        ),
        # the cold account: last touch of all at Bluefin
        (
            "c-06",
            TouchSpec(
                "tm-1",
                "p-58",
                "call",
                _at("c-06", COLD_ACCOUNT_LAST, 10, 30),
                "outbound",
                "d-22",
                "Freight Data Hub: timeline pushed, budget review in Q4",
            ),
        ),
        # every other decider has been touched recently
        (
            "c-01",
            TouchSpec(
                "tm-2",
                "p-02",
                "visit",
                _at("c-01", date(2026, 11, 10), 15),
                "outbound",
                "d-04",
                "渡辺CIOを訪問、全社分析基盤 拡張の条件を協議",
            ),
        ),
        (
            "c-01",
            TouchSpec(
                "tm-3",
                "p-05",
                "meeting",
                _at("c-01", date(2026, 11, 18), 10, 30),
                "outbound",
                "d-04",
                "DX推進PJの技術検証結果をレビュー",
            ),
        ),
        (
            "c-04",
            TouchSpec(
                "tm-1",
                "p-37",
                "event",
                _at("c-04", date(2026, 9, 17), 13),
                "inbound",
                "",
                "Met Robert Miller at the manufacturing expo",
            ),
        ),
        (
            "c-05",
            TouchSpec(
                "tm-1",
                "p-46",
                "meeting",
                _at("c-05", date(2026, 11, 12), 11),
                "outbound",
                "d-18",
                "EHR migration: executive alignment with the CDO",
            ),
        ),
        (
            "c-05",
            TouchSpec(
                "tm-3",
                "p-49",
                "call",
                _at("c-05", date(2026, 11, 5), 14),
                "outbound",
                "d-18",
                "Migration scope and cut-over plan",
            ),
        ),
        # the single-threaded deal is worked through its only contact
        (
            "c-04",
            TouchSpec(
                "tm-1",
                "p-41",
                "meeting",
                _at("c-04", date(2026, 11, 17), 9, 30),
                "outbound",
                "d-14",
                "Plant data integration: qualification call with David",
            ),
        ),
    ]


def _touches(rng: random.Random) -> list[TouchSpec]:
    seniority_of = {p.person_id: p.seniority for p in PEOPLE}
    roles_of: dict[str, list[str]] = defaultdict(list)
    for pid, role, _bu, _since in BUYING_ROLES:
        roles_of[pid].append(role)
    team_of: dict[str, list[str]] = defaultdict(list)
    for cid, mid, _role in ACCOUNT_TEAM:
        team_of[cid].append(mid)
    contacts_of: dict[str, set[str]] = defaultdict(set)
    for did, pid, _role in DEAL_CONTACTS:
        contacts_of[pid].add(did)
    members = [m[0] for m in TEAM]
    role_of_member = {m[0]: m[3] for m in TEAM}

    days: list[date] = []
    day = TOUCH_START
    while day <= TOUCH_END:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)

    planted = _planted_touches()
    planted_count = Counter(c for c, _ in planted)
    result = [t for _, t in planted]
    types = list(TYPE_WEIGHTS)
    type_weights = [TYPE_WEIGHTS[t] for t in types]

    for cid, quota in QUOTA.items():
        lang = "ja" if STD_OFFSET[cid] > 0 else "en"
        people = [p.person_id for p in PEOPLE if p.company_id == cid]
        weights: list[float] = []
        for pid in people:
            if pid in PERSON_WEIGHT_OVERRIDE:
                weights.append(PERSON_WEIGHT_OVERRIDE[pid])
            elif roles_of[pid]:
                weights.append(max(ROLE_WEIGHT[r] for r in roles_of[pid]))
            else:
                weights.append(0.3 if seniority_of[pid] == "c_level" else 0.6)
        day_weights = [_profile_weight(PROFILE[cid], d) for d in days]
        open_deals = [d for d in DEALS if d.company_id == cid and d.is_open]

        for _ in range(quota - planted_count[cid]):
            day = rng.choices(days, day_weights)[0]
            while True:
                pid = rng.choices(people, weights)[0]
                if not (pid == COLD_DECIDER and day >= COLD_DECIDER_LAST.date()):
                    break
            kind = rng.choices(types, type_weights)[0]
            if kind == "chat" and seniority_of[pid] not in ("manager", "staff"):
                kind = "email"
            team = team_of[cid]
            if rng.random() < 0.08:
                member = rng.choice([m for m in members if m not in team])
            elif kind == "chat":
                member = rng.choice([m for m in team if role_of_member[m] in ("se", "csm")] or team)
            else:
                member = rng.choice(team)
            direction = "inbound" if rng.random() < INBOUND_P[kind] else "outbound"
            candidates = [d for d in open_deals if date.fromisoformat(d.created) <= day]
            deal = ""
            if candidates and rng.random() < 0.45:
                own = [d for d in candidates if d.deal_id in contacts_of[pid]]
                deal = rng.choice(own or candidates).deal_id
            notes = "" if rng.random() < 0.1 else rng.choice(NOTES[(lang, kind)])
            hour = rng.randint(9, 17)
            minute = rng.choice((0, 15, 30, 45))
            result.append(
                TouchSpec(member, pid, kind, _at(cid, day, hour, minute), direction, deal, notes)
            )

    result.sort(key=lambda t: (t.occurred_at, t.person_id, t.member_id, t.type))
    return result


# --------------------------------------------------------------------------------------------
# Building and writing the bundle
# --------------------------------------------------------------------------------------------


def _strength(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def build(seed: int = SEED) -> Bundle:
    """All rows of the bundle, by file stem."""
    rng = random.Random(seed)
    domain_of = {c[0]: c[2] for c in COMPANIES}
    bundle: Bundle = {
        "companies": [
            dict(
                zip(
                    HEADERS["companies"],
                    (cid, name, dom, ind, str(emp), str(rev), country, parent),
                    strict=True,
                )
            )
            for cid, name, dom, ind, emp, rev, country, parent in COMPANIES
        ],
        "business_units": [
            dict(zip(HEADERS["business_units"], bu, strict=True)) for bu in BUSINESS_UNITS
        ],
        "people": [
            dict(
                zip(
                    HEADERS["people"],
                    (
                        p.person_id,
                        p.company_id,
                        p.full_name,
                        p.bu_id,
                        f"{p.email_local}@{domain_of[p.company_id]}",
                        p.title,
                        p.seniority,
                        p.reports_to,
                    ),
                    strict=True,
                )
            )
            for p in PEOPLE
        ],
        "buying_roles": [dict(zip(HEADERS["buying_roles"], r, strict=True)) for r in BUYING_ROLES],
        "relationships": [
            dict(zip(HEADERS["relationships"], (a, b, kind, _strength(s)), strict=True))
            for a, b, kind, s in RELATIONSHIPS
        ],
        "team": [
            dict(
                zip(
                    HEADERS["team"],
                    (mid, name, f"{local}@{OUR_DOMAIN}", role, mgr, region),
                    strict=True,
                )
            )
            for mid, name, local, role, mgr, region in TEAM
        ],
        "account_team": [dict(zip(HEADERS["account_team"], a, strict=True)) for a in ACCOUNT_TEAM],
        "deals": [
            dict(
                zip(
                    HEADERS["deals"],
                    (
                        d.deal_id,
                        d.company_id,
                        d.stage,
                        d.bu_id,
                        d.name,
                        d.product,
                        d.category,
                        str(d.amount),
                        d.currency,
                        d.created,
                        d.close,
                        d.owner_id,
                        d.channel,
                    ),
                    strict=True,
                )
            )
            for d in DEALS
        ],
        "deal_contacts": [
            dict(zip(HEADERS["deal_contacts"], c, strict=True)) for c in DEAL_CONTACTS
        ],
        "touches": [
            dict(
                zip(
                    HEADERS["touches"],
                    (
                        f"t-{i:04d}",
                        t.member_id,
                        t.person_id,
                        t.type,
                        t.occurred_at.isoformat(),
                        t.direction,
                        t.deal_id,
                        t.notes,
                    ),
                    strict=True,
                )
            )
            for i, t in enumerate(_touches(rng), start=1)
        ],
        "next_actions": [dict(zip(HEADERS["next_actions"], a, strict=True)) for a in NEXT_ACTIONS],
        "wallet": [
            dict(zip(HEADERS["wallet"], (cid, cat, str(amount), as_of, bu, source), strict=True))
            for cid, cat, amount, as_of, bu, source in WALLET
        ],
    }
    return bundle


def write(bundle: Bundle, out_dir: Path) -> None:
    """Write one UTF-8 (no BOM), LF-terminated CSV file per kind."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stem, rows in bundle.items():
        with (out_dir / f"{stem}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=HEADERS[stem], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="bundle directory")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    write(build(args.seed), args.out)
    counts = check(args.out)
    for stem, n in counts.items():
        print(f"{stem + '.csv':<20} {n:>4}")


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------


def _read(bundle_dir: Path, stem: str) -> list[Row]:
    raw = (bundle_dir / f"{stem}.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{stem}: BOM"
    assert b"\r" not in raw, f"{stem}: CR in file"
    with (bundle_dir / f"{stem}.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == HEADERS[stem], f"{stem}: header"
        rows = list(reader)
    for row in rows:
        assert None not in row and all(v is not None for v in row.values()), f"{stem}: {row}"
        for col in REQUIRED[stem]:
            assert row[col], f"{stem}: empty {col} in {row}"
    return rows


def _iso_date(value: str) -> date:
    return date.fromisoformat(value)


def check(bundle_dir: Path) -> dict[str, int]:
    """Assert the counts, referential integrity and planted gaps; return row counts."""
    b = {stem: _read(bundle_dir, stem) for stem in HEADERS}
    companies = {r["company_id"]: r for r in b["companies"]}
    bus = {r["bu_id"]: r for r in b["business_units"]}
    people = {r["person_id"]: r for r in b["people"]}
    team = {r["member_id"]: r for r in b["team"]}
    deals = {r["deal_id"]: r for r in b["deals"]}
    for stem, key in (
        ("companies", "company_id"),
        ("business_units", "bu_id"),
        ("people", "person_id"),
        ("team", "member_id"),
        ("deals", "deal_id"),
        ("touches", "touch_id"),
        ("next_actions", "action_id"),
    ):
        ids = [r[key] for r in b[stem]]
        assert len(ids) == len(set(ids)), f"{stem}: duplicate ids"

    def company_of(pid: str) -> str:
        return people[pid]["company_id"]

    def family(cid: str) -> set[str]:
        """The company, its parent and its subsidiaries."""
        out = {cid, companies[cid]["parent_company_id"]} - {""}
        out |= {c for c, r in companies.items() if r["parent_company_id"] == cid}
        return out

    # companies
    assert len(companies) == 6
    assert sum(r["country"] == "JP" for r in companies.values()) >= 3
    assert 2 <= sum(r["country"] == "US" for r in companies.values()) <= 3
    subs = [r for r in companies.values() if r["parent_company_id"]]
    assert subs and all(r["parent_company_id"] in companies for r in subs)
    for r in companies.values():
        assert r["domain"].endswith((".co.jp", ".com"))
        int(r["employees"])
        float(r["annual_revenue"])

    # business units
    per_company = Counter(r["company_id"] for r in bus.values())
    assert set(per_company) == set(companies) and all(2 <= n <= 4 for n in per_company.values())
    for r in bus.values():
        assert r["org_type"] in ("divisional", "functional", "project")
        if r["parent_bu_id"]:
            assert bus[r["parent_bu_id"]]["company_id"] == r["company_id"]
    assert any(r["parent_bu_id"] for r in bus.values())

    # people and reporting chains
    assert len(people) == N_PEOPLE
    assert set(Counter(r["company_id"] for r in people.values())) == set(companies)
    for r in people.values():
        assert r["seniority"] in ("c_level", "vp", "director", "manager", "staff")
        assert r["email"].endswith("@" + companies[r["company_id"]]["domain"])
        if r["bu_id"]:
            assert bus[r["bu_id"]]["company_id"] == r["company_id"]
        if r["reports_to"]:
            assert company_of(r["reports_to"]) == r["company_id"]
    depth: dict[str, int] = {}
    for pid in people:
        seen: list[str] = []
        cur = pid
        while cur:
            assert cur not in seen, f"reporting cycle at {pid}"
            seen.append(cur)
            cur = people[cur]["reports_to"]
        depth[pid] = len(seen)
    for cid in companies:
        assert max(d for p, d in depth.items() if company_of(p) == cid) >= 4, cid
    jp_names = [
        r["full_name"] for r in people.values() if companies[r["company_id"]]["country"] == "JP"
    ]
    assert any(FW_SPACE in n for n in jp_names) and any(FW_SPACE not in n for n in jp_names)
    assert all(" " not in n for n in jp_names)  # no ASCII space in Japanese names

    # buying roles
    roles = b["buying_roles"]
    assert {r["role"] for r in roles} == set(ROLES)
    assert 40 <= len({r["person_id"] for r in roles}) <= 50
    assert sum(r["role"] == "champion" for r in roles) >= 4
    assert any(r["bu_id"] for r in roles) and any(not r["bu_id"] for r in roles)
    for r in roles:
        assert r["person_id"] in people
        if r["bu_id"]:
            assert bus[r["bu_id"]]["company_id"] == company_of(r["person_id"])
        assert _iso_date(r["since"]) <= TODAY
    keys = [(r["person_id"], r["role"], r["bu_id"]) for r in roles]
    assert len(keys) == len(set(keys))
    roles_at: dict[str, set[str]] = defaultdict(set)
    for r in roles:
        roles_at[company_of(r["person_id"])].add(r["role"])

    # relationships
    rels = b["relationships"]
    assert 35 <= len(rels) <= 50
    cross = 0
    for r in rels:
        a, z = r["from_person_id"], r["to_person_id"]
        assert a != z and r["type"] in ("influences", "worked_with", "knows")
        if company_of(a) != company_of(z):
            assert company_of(z) in family(company_of(a))
            cross += 1
        if r["strength"]:
            assert len(r["strength"].split(".")[1]) == 2 and 0 <= float(r["strength"]) <= 1
    assert 2 <= cross <= 3
    assert len({(r["from_person_id"], r["type"], r["to_person_id"]) for r in rels}) == len(rels)

    # team and account team
    assert len(team) == 4
    assert Counter(r["team_role"] for r in team.values()) == Counter(
        {"manager": 1, "ae": 1, "se": 1, "csm": 1}
    )
    manager = next(m for m, r in team.items() if r["team_role"] == "manager")
    assert all(r["manager_id"] == manager for m, r in team.items() if m != manager)
    account_team: dict[str, set[str]] = defaultdict(set)
    for r in b["account_team"]:
        assert r["company_id"] in companies and r["member_id"] in team
        account_team[r["company_id"]].add(r["member_id"])
    assert set(account_team) == set(companies)
    assert all(1 <= len(m) <= 3 for m in account_team.values())

    # deals
    assert 20 <= len(deals) <= 28
    stages = Counter(r["stage"] for r in deals.values())
    assert set(stages) == set(ALL_STAGES) and min(stages.values()) >= 2
    for r in deals.values():
        assert r["company_id"] in companies and r["owner_id"] in team
        assert r["currency"] in ("JPY", "USD") and r["channel"] in ("direct", "partner", "online")
        assert r["product"] and r["category"] and float(r["amount"]) > 0
        if r["bu_id"]:
            assert bus[r["bu_id"]]["company_id"] == r["company_id"]
        created, close = _iso_date(r["created_date"]), _iso_date(r["close_date"])
        assert date(2024, 6, 1) <= created <= date(2026, 11, 30) and created < close
        assert (close <= TODAY) == (r["stage"] in ("won", "lost"))

    # deal contacts
    contacts: dict[str, set[str]] = defaultdict(set)
    for r in b["deal_contacts"]:
        deal = deals[r["deal_id"]]
        assert company_of(r["person_id"]) in family(deal["company_id"])
        contacts[r["deal_id"]].add(r["person_id"])
    assert 45 <= len(b["deal_contacts"]) <= 55 and set(contacts) == set(deals)
    open_deals_of: dict[str, list[str]] = defaultdict(list)
    for d, r in deals.items():
        if r["stage"] in OPEN_STAGES:
            open_deals_of[r["company_id"]].append(d)

    # touches
    touches = b["touches"]
    assert len(touches) == N_TOUCHES
    assert [r["touch_id"] for r in touches] == [f"t-{i:04d}" for i in range(1, N_TOUCHES + 1)]
    on_team = 0
    last_touch: dict[str, datetime] = {}
    last_account_touch: dict[str, date] = {}
    for r in touches:
        at = datetime.fromisoformat(r["occurred_at"])
        assert at.tzinfo is not None and TOUCH_START <= at.date() <= TOUCH_END
        assert r["member_id"] in team and r["type"] in TOUCH_TYPES
        assert r["direction"] in ("inbound", "outbound", "")
        cid = company_of(r["person_id"])
        on_team += r["member_id"] in account_team[cid]
        if r["deal_id"]:
            assert r["deal_id"] in open_deals_of[cid], r
            assert _iso_date(deals[r["deal_id"]]["created_date"]) <= at.date()
        last_touch[r["person_id"]] = max(last_touch.get(r["person_id"], at), at)
        last_account_touch[cid] = max(last_account_touch.get(cid, at.date()), at.date())
    assert on_team >= 0.85 * len(touches)
    kinds = Counter(r["type"] for r in touches)
    assert set(kinds) == set(TOUCH_TYPES) and kinds["email"] > kinds["meeting"]
    assert any(r["deal_id"] for r in touches) and any(r["notes"] for r in touches)
    assert datetime.fromisoformat(touches[-1]["occurred_at"]).date() >= date(2026, 11, 1)

    # next actions
    assert 8 <= len(b["next_actions"]) <= 12
    for r in b["next_actions"]:
        assert r["company_id"] in companies and r["member_id"] in team
        assert r["status"] in ("open", "done")
        _iso_date(r["due_date"])
        if r["person_id"]:
            assert company_of(r["person_id"]) == r["company_id"]

    # wallet
    wallet = b["wallet"]
    cats: dict[str, set[str]] = defaultdict(set)
    for r in wallet:
        assert r["company_id"] in companies and float(r["amount"]) > 0
        assert _iso_date(r["as_of"]) <= TODAY
        assert r["source"] in ("survey", "analyst", "model", "manual")
        if r["bu_id"]:
            assert bus[r["bu_id"]]["company_id"] == r["company_id"]
        cats[r["company_id"]].add(r["category"])
    assert set(cats) == set(companies) and all(1 <= len(c) <= 3 for c in cats.values())
    series = Counter((r["company_id"], r["bu_id"], r["category"]) for r in wallet)
    assert sum(n >= 2 for n in series.values()) >= 2
    assert len({r["source"] for r in wallet}) == 4 and any(r["bu_id"] for r in wallet)

    # planted gaps
    no_decider = [c for c in companies if "decider" not in roles_at[c]]
    no_champion = [c for c in companies if "champion" not in roles_at[c]]
    assert no_decider == ["c-03"], no_decider
    assert no_champion == ["c-06"], no_champion
    people_bus = {r["bu_id"] for r in people.values()} | {r["bu_id"] for r in roles}
    wallet_bus_without_people = sorted({r["bu_id"] for r in wallet} - people_bus - {""})
    assert wallet_bus_without_people == ["bu-07"], wallet_bus_without_people
    single = [c for c, ds in open_deals_of.items() if len(ds) == 1 and len(contacts[ds[0]]) == 1]
    assert single == ["c-04"] and contacts["d-14"] == {"p-41"}
    assert all(len(contacts[d]) >= 2 for ds in open_deals_of.values() for d in ds if d != "d-14")
    deciders = {r["person_id"] for r in roles if r["role"] == "decider"}
    stale = sorted(p for p in deciders if (TODAY - last_touch[p].date()).days > 180)
    assert stale == [COLD_DECIDER], stale
    assert last_touch[COLD_DECIDER] == COLD_DECIDER_LAST
    assert last_account_touch[COLD_ACCOUNT] == COLD_ACCOUNT_LAST
    assert all(d >= date(2026, 10, 1) for c, d in last_account_touch.items() if c != COLD_ACCOUNT)

    return {stem: len(rows) for stem, rows in b.items()}


if __name__ == "__main__":
    main()
