"""A seeded generator of native bundles of any size, shaped like a real B2B portfolio.

``generate_bundle(out_dir, accounts=N, seed=S)`` writes the twelve CSV files of the native
bundle (headers exactly as :data:`loaders.tables.COLUMNS`) plus two side files the loader
ignores: ``planted_duplicates.json`` (the duplicates planted for entity resolution to find) and
``generated.json`` (parameters, row counts and the largest accounts). The same arguments write
the same bytes.

The shape, per account, drawn from one seeded :class:`numpy.random.Generator`:

* **Companies**: heavy-tailed sizes (people per account are lognormal, mean
  ``people_per_account``, capped at ``max_people_per_account``); about one in ten accounts is a
  subsidiary of an earlier, larger account (parent name plus a region or function, e.g.
  ``Ashford Cedar Logistics Japan K.K.``, and its own domain). Names and domains are unique
  after normalization (case, punctuation, legal forms), Japanese companies have kanji names with
  株式会社 and most have a valid 法人番号 (corporate number with its check digit).
* **Business units**: a tree of divisions and functions with projects under them.
* **People**: a reports-to tree (C-level, VPs, directors, managers, staff) laid over the units;
  ids are not in tree order, so ``reports_to`` often names a later row. Names are unique within
  a company, emails unique everywhere (case-insensitively); Japanese names are written with a
  full-width space, a half-width space or none. About 2% have left (``left_at``).
* **Buying roles** company-wide and scoped to units, champions included (some who left);
  **relationships** (influences, worked with, knows), a few across parent and subsidiary.
* **Our team**: members scale with the portfolio (one per ``accounts_per_member`` accounts) in
  four regions with managers; each account has a team (AE, often SE, SDR, CSM, an exec for the
  largest).
* **Deals** over ``years`` years up to ``today``: closed ones won or lost, open ones in the
  stage their age implies, amounts in the account's currency (JPY, EUR, GBP, USD). The first
  account always has a deal in every stage.
* **Touches** (mean ``touches_per_person`` per person): concentrated on the buying group and
  senior people, clustered around deals and in bursts, growing toward ``today``; some accounts
  went cold months ago, some only started; nobody is touched after leaving. Business hours in
  the account's time zone (``+09:00`` in Japan, UTC ``Z`` elsewhere).
* **Next actions** and **wallet estimates** for part of the accounts (by category and by unit,
  survey rows with ``vendor_rank`` / ``vendor_count``; a few stale ones below the won spend).
* **Planted duplicates** (``duplicates`` of each kind): a company written again with a variant
  of its name's legal form (and its same domain, and corporate number where it has one) under a
  new id, with one deal; a person written again at the same company with the same name (spacing
  varied) and the email in another case, with a few touches of their own. Nothing else is a
  duplicate by email, domain, corporate number or normalized name.

Rows are written account by account with one :func:`csv.writer` per file, so memory stays flat
(only the team, the parents' names and the duplicates' originals are kept): 50,000 accounts
(~1M people, ~5M touches, 600 MB of CSV) take about a minute in ~70 MB.
"""

from __future__ import annotations

import csv
import heapq
import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from graph_service.domain import Kind, Stage
from loaders.tables import COLUMNS

#: The header of each bundle file, in :data:`loaders.tables.COLUMNS` order.
HEADERS: dict[Kind, tuple[str, ...]] = {k: tuple(c.name for c in COLUMNS[k]) for k in Kind}

PLANTED_FILE = "planted_duplicates.json"
MANIFEST_FILE = "generated.json"
DEFAULT_TODAY = date(2026, 6, 30)
OUR_DOMAIN = "tesseradata.com"

Row = Sequence[object]

# -- vocabulary ---------------------------------------------------------------------------------

# English company names are three words, A B C: the sector word C gives the industry.
_EN_A = (
    "Ashford", "Bramble", "Calder", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Halden",
    "Ironwood", "Juniper", "Kestrel", "Larkspur", "Marlow", "Northwind", "Oakridge", "Pinecrest",
    "Quarry", "Redfern", "Silverton", "Thornbury", "Umber", "Vantage", "Westbrook", "Yarrow",
    "Zephyr", "Alder", "Beacon", "Copperfield", "Driftwood", "Emberly", "Foxglove", "Granger",
    "Hawthorne", "Inglewood", "Jasper", "Kingsley", "Lockhart", "Meridian", "Newhaven", "Orchard",
    "Pemberton", "Quill", "Rosewood", "Sterling", "Tamarack", "Upland", "Verity", "Whitcombe",
    "Yardley", "Zenith", "Amberly", "Blackwood", "Carrow", "Denholm", "Easton", "Fenwick",
    "Galloway", "Harrow", "Ivybridge", "Kenmore", "Langley", "Mayfield", "Norcross", "Oldham",
    "Prescott", "Radley", "Stanmore", "Tilbury", "Wexford", "Ainsley", "Bexley", "Cresswell",
    "Dalton", "Everett", "Fulton", "Greystone", "Holloway", "Kendal", "Linwood", "Marston",
    "Netherby", "Osborne", "Peyton", "Rutherford", "Sheffield", "Trenton", "Underhill", "Waverly",
    "Avalon", "Bellamy", "Clifton", "Dorset", "Edgewater", "Farley", "Gresham", "Hartley",
    "Irving", "Keswick", "Lyndon", "Montrose", "Ormond", "Pryor", "Ridgeway", "Somerset",
    "Tolland", "Winslow",
)  # fmt: skip
_EN_B = (
    "Cedar", "River", "Summit", "Harbor", "Bridge", "Forge", "Stone", "Field", "Crest", "Lake",
    "Ridge", "Point", "Grove", "Valley", "Falls", "Meadow", "Peak", "Bay", "Canyon", "Glen",
    "Moor", "Park", "Rock", "Shore", "Spring", "Star", "Sun", "Wood", "Arrow", "Anchor", "Atlas",
    "Beam", "Circle", "Compass", "Crown", "Delta", "Echo", "Falcon", "Flint", "Gate", "Horizon",
    "Keystone", "Lantern", "Maple", "Nova", "Orbit", "Pilot", "Prism", "Quest", "Raven", "Signal",
    "Tower", "Vector", "Willow",
)  # fmt: skip
#: Sector word -> industry.
_EN_C: dict[str, str] = {
    "Analytics": "Technology",
    "Software": "Technology",
    "Networks": "Technology",
    "Semiconductors": "Technology",
    "Logistics": "Logistics",
    "Freight": "Logistics",
    "Shipping": "Logistics",
    "Health": "Healthcare",
    "Biotech": "Healthcare",
    "Pharma": "Healthcare",
    "Labs": "Healthcare",
    "Manufacturing": "Manufacturing",
    "Robotics": "Manufacturing",
    "Motors": "Manufacturing",
    "Instruments": "Manufacturing",
    "Devices": "Manufacturing",
    "Steel": "Manufacturing",
    "Foods": "Consumer Goods",
    "Brewing": "Consumer Goods",
    "Apparel": "Retail",
    "Retail": "Retail",
    "Energy": "Energy",
    "Utilities": "Energy",
    "Mining": "Energy",
    "Insurance": "Insurance",
    "Bank": "Banking",
    "Capital": "Financial Services",
    "Securities": "Financial Services",
    "Chemicals": "Chemicals",
    "Materials": "Chemicals",
    "Airlines": "Transportation",
    "Media": "Media",
    "Telecom": "Telecommunications",
    "Construction": "Construction",
    "Realty": "Real Estate",
    "Hospitality": "Hospitality",
}
# Japanese company names: place + (middle) + sector, each with its romaji for the domain.
_JP_PLACE = (
    ("さくら", "sakura"), ("みなと", "minato"), ("富士", "fuji"), ("青葉", "aoba"),
    ("東都", "toto"), ("北斗", "hokuto"), ("大和", "yamato"), ("朝日", "asahi"),
    ("日の出", "hinode"), ("若葉", "wakaba"), ("千代田", "chiyoda"), ("浪速", "naniwa"),
    ("白鳥", "shiratori"), ("明星", "myojo"), ("瑞穂", "mizuho"), ("常盤", "tokiwa"),
    ("高砂", "takasago"), ("松風", "matsukaze"), ("紅葉", "momiji"), ("大空", "ozora"),
    ("銀河", "ginga"), ("光洋", "koyo"), ("東洋", "toyo"), ("西海", "saikai"),
    ("南海", "nankai"), ("北陸", "hokuriku"), ("中部", "chubu"), ("関東", "kanto"),
    ("九州", "kyushu"), ("四国", "shikoku"), ("東北", "tohoku"), ("信濃", "shinano"),
    ("甲斐", "kai"), ("伊勢", "ise"), ("出雲", "izumo"), ("琵琶", "biwa"),
    ("湘南", "shonan"), ("房総", "boso"), ("武蔵", "musashi"), ("相模", "sagami"),
    ("駿河", "suruga"), ("播磨", "harima"), ("吉備", "kibi"), ("筑紫", "tsukushi"),
    ("薩摩", "satsuma"), ("越後", "echigo"), ("加賀", "kaga"), ("若狭", "wakasa"),
    ("丹波", "tamba"), ("奥羽", "ou"),
)  # fmt: skip
_JP_MID = (
    ("", ""), ("中央", "chuo"), ("日本", "nihon"), ("第一", "daiichi"), ("新", "shin"),
    ("国際", "kokusai"), ("総合", "sogo"), ("協和", "kyowa"), ("共栄", "kyoei"),
    ("三光", "sanko"), ("昭和", "showa"), ("平成", "heisei"), ("丸", "maru"),
    ("栄光", "eiko"), ("明和", "meiwa"),
)  # fmt: skip
_JP_SECTOR = (
    ("製作所", "seisakusho", "Manufacturing"), ("銀行", "ginko", "Banking"),
    ("商事", "shoji", "Trading"), ("電機", "denki", "Manufacturing"),
    ("物産", "bussan", "Trading"), ("化学", "kagaku", "Chemicals"),
    ("工業", "kogyo", "Manufacturing"), ("建設", "kensetsu", "Construction"),
    ("食品", "shokuhin", "Consumer Goods"), ("運輸", "unyu", "Logistics"),
    ("証券", "shoken", "Financial Services"), ("生命", "seimei", "Insurance"),
    ("不動産", "fudosan", "Real Estate"), ("通信", "tsushin", "Telecommunications"),
    ("製薬", "seiyaku", "Healthcare"), ("精工", "seiko", "Manufacturing"),
    ("重工", "juko", "Manufacturing"), ("倉庫", "soko", "Logistics"),
    ("百貨店", "hyakkaten", "Retail"), ("電力", "denryoku", "Energy"),
    ("海運", "kaiun", "Logistics"), ("航空", "koku", "Transportation"),
    ("鉄道", "tetsudo", "Transportation"), ("情報システム", "johosystem", "Technology"),
    ("ソフトウェア", "software", "Technology"), ("印刷", "insatsu", "Media"),
    ("製紙", "seishi", "Manufacturing"), ("製鉄", "seitetsu", "Manufacturing"),
    ("自動車", "jidosha", "Manufacturing"), ("電子", "denshi", "Technology"),
    ("薬品", "yakuhin", "Healthcare"), ("繊維", "seni", "Manufacturing"),
    ("酒造", "shuzo", "Consumer Goods"), ("水産", "suisan", "Consumer Goods"),
    ("物流", "butsuryu", "Logistics"), ("医療", "iryo", "Healthcare"),
    ("ガス", "gas", "Energy"), ("信託", "shintaku", "Financial Services"),
    ("損保", "sonpo", "Insurance"), ("小売", "kouri", "Retail"),
)  # fmt: skip
#: Subsidiary qualifiers: a region (and the country it puts the subsidiary in) or a function.
_GEO_QUALIFIERS = (
    ("America", "US"), ("Japan", "JP"), ("Europe", "DE"), ("Germany", "DE"),
    ("France", "FR"), ("UK", "GB"), ("Canada", "CA"), ("Australia", "AU"),
    ("Singapore", "SG"), ("Asia", "SG"),
)  # fmt: skip
_FUNC_QUALIFIERS = (
    "Holdings", "Services", "Digital", "Ventures", "Solutions", "Finance", "Technologies",
    "Engineering",
)  # fmt: skip
_JP_FUNC_QUALIFIERS = (
    ("ソリューションズ", "solutions"), ("ビジネスサービス", "businessservice"),
    ("テクノロジーズ", "technologies"), ("エンジニアリング", "engineering"),
    ("ファイナンス", "finance"), ("販売", "hanbai"), ("システムズ", "systems"),
    ("ロジスティクスサービス", "logisticsservice"),
)  # fmt: skip

#: Country, share of accounts, top-level domain, legal forms, currency, UTC offset in hours.
_COUNTRIES: tuple[tuple[str, float, str, tuple[str, ...], str, int], ...] = (
    ("US", 0.36, "com", ("Inc.", "Corp.", "LLC", "Co."), "USD", -5),
    ("JP", 0.28, "co.jp", ("K.K.", "Co., Ltd."), "JPY", 9),
    ("GB", 0.08, "co.uk", ("Ltd", "plc"), "GBP", 0),
    ("DE", 0.08, "de", ("GmbH", "AG"), "EUR", 1),
    ("FR", 0.05, "fr", ("SA", "SAS"), "EUR", 1),
    ("CA", 0.05, "ca", ("Inc.", "Ltd."), "USD", -5),
    ("AU", 0.05, "com.au", ("Pty Ltd",), "USD", 10),
    ("SG", 0.05, "com.sg", ("Pte. Ltd.",), "USD", 8),
)
_COUNTRY_INDEX = {c[0]: i for i, c in enumerate(_COUNTRIES)}
_COUNTRY_P = np.array([c[1] for c in _COUNTRIES]) / sum(c[1] for c in _COUNTRIES)
_FX = {"USD": 1.0, "JPY": 150.0, "EUR": 0.92, "GBP": 0.79}
_ROUND_TO = {"USD": 100, "JPY": 10_000, "EUR": 100, "GBP": 100}
_REGION_OF = {
    "US": "North America",
    "CA": "North America",
    "JP": "Japan",
    "GB": "EMEA",
    "DE": "EMEA",
    "FR": "EMEA",
    "AU": "APAC",
    "SG": "APAC",
}
_REGIONS = ("North America", "Japan", "EMEA", "APAC")
GLOBAL_EXEC = ("Global", "exec")
_REGION_SHARE = (0.41, 0.28, 0.21, 0.10)

_EN_GIVEN = (
    "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "William", "Linda", "David",
    "Elizabeth", "Richard", "Barbara", "Joseph", "Susan", "Thomas", "Jessica", "Charles", "Karen",
    "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark",
    "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna",
    "Joshua", "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah",
    "Timothy", "Stephanie", "Rebecca", "Edward", "Laura", "Jason", "Sharon", "Jeffrey", "Cynthia",
    "Ryan", "Kathleen", "Jacob", "Amy", "Gary", "Angela", "Nicholas", "Shirley", "Eric", "Anna",
    "Jonathan", "Brenda", "Pamela", "Larry", "Emma", "Justin", "Nicole", "Scott", "Helen",
    "Brandon", "Samantha", "Benjamin", "Samuel", "Christine", "Gregory", "Alexander", "Rachel",
    "Frank", "Janet", "Raymond", "Catherine", "Jack", "Maria", "Dennis", "Heather", "Jerry",
    "Diane", "Tyler", "Ruth", "Aaron", "Julie", "Olivia", "Adam", "Joyce", "Nathan", "Virginia",
    "Henry", "Victoria", "Douglas", "Kelly", "Zachary", "Lauren", "Peter", "Kyle", "Joan", "Ethan",
    "Evelyn", "Walter", "Judith", "Noah", "Megan",
)  # fmt: skip
_EN_FAMILY = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Moore",
    "Jackson", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey",
    "Reed", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
    "Wood", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo",
    "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry",
    "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Barnes", "Fisher", "Vasquez", "Simmons",
    "Romero", "Jordan", "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West",
    "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar",
    "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "McDonald", "Washington",
    "Kennedy", "Wells", "Vargas", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns",
    "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Silva", "Shaw", "Snyder",
    "Mason", "Dixon", "Munoz", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Boyd", "Stone",
    "Salazar", "Fox", "Warren",
)  # fmt: skip
_JP_FAMILY = (
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
    ("伊藤", "ito"), ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"),
    ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("山田", "yamada"),
    ("佐々木", "sasaki"), ("山口", "yamaguchi"), ("松本", "matsumoto"), ("井上", "inoue"),
    ("木村", "kimura"), ("林", "hayashi"), ("斎藤", "saito"), ("清水", "shimizu"),
    ("山崎", "yamazaki"), ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"),
    ("阿部", "abe"), ("石川", "ishikawa"), ("山下", "yamashita"), ("中島", "nakajima"),
    ("石井", "ishii"), ("小川", "ogawa"), ("前田", "maeda"), ("岡田", "okada"),
    ("長谷川", "hasegawa"), ("藤田", "fujita"), ("後藤", "goto"), ("近藤", "kondo"),
    ("村上", "murakami"), ("遠藤", "endo"), ("青木", "aoki"), ("坂本", "sakamoto"),
    ("斉木", "saiki"), ("福田", "fukuda"), ("太田", "ota"), ("西村", "nishimura"),
    ("藤井", "fujii"), ("金子", "kaneko"), ("岡本", "okamoto"), ("藤原", "fujiwara"),
    ("中野", "nakano"), ("三浦", "miura"), ("原田", "harada"), ("中川", "nakagawa"),
    ("松田", "matsuda"), ("竹内", "takeuchi"), ("小野", "ono"), ("田村", "tamura"),
    ("中山", "nakayama"), ("和田", "wada"), ("石田", "ishida"), ("森田", "morita"),
    ("上田", "ueda"), ("原", "hara"), ("内田", "uchida"), ("柴田", "shibata"),
    ("酒井", "sakai"), ("宮崎", "miyazaki"), ("横山", "yokoyama"), ("高木", "takagi"),
    ("安藤", "ando"), ("宮本", "miyamoto"), ("大西", "onishi"), ("小島", "kojima"),
    ("谷口", "taniguchi"), ("工藤", "kudo"), ("今井", "imai"), ("高田", "takada"),
    ("増田", "masuda"), ("丸山", "maruyama"), ("杉山", "sugiyama"), ("村田", "murata"),
    ("大塚", "otsuka"), ("新井", "arai"), ("小山", "koyama"), ("平野", "hirano"),
    ("藤本", "fujimoto"), ("河野", "kono"), ("上野", "ueno"), ("野口", "noguchi"),
    ("武田", "takeda"), ("松井", "matsui"), ("千葉", "chiba"), ("岩崎", "iwasaki"),
    ("菅原", "sugawara"), ("木下", "kinoshita"), ("久保", "kubo"), ("佐野", "sano"),
    ("野村", "nomura"), ("松尾", "matsuo"), ("菊地", "kikuchi"), ("杉本", "sugimoto"),
)  # fmt: skip
_JP_GIVEN = (
    ("誠", "makoto"), ("浩二", "koji"), ("由美", "yumi"), ("太郎", "taro"), ("さくら", "sakura"),
    ("大輔", "daisuke"), ("健太", "kenta"), ("直美", "naomi"), ("翔", "sho"), ("千尋", "chihiro"),
    ("拓也", "takuya"), ("彩", "aya"), ("優斗", "yuto"), ("恵", "megumi"), ("正和", "masakazu"),
    ("秀樹", "hideki"), ("昌子", "masako"), ("隆", "takashi"), ("美穂", "miho"), ("亮", "ryo"),
    ("由紀", "yuki"), ("直樹", "naoki"), ("舞", "mai"), ("隼人", "hayato"), ("咲", "saki"),
    ("修", "osamu"), ("和也", "kazuya"), ("理恵", "rie"), ("浩", "hiroshi"), ("真由美", "mayumi"),
    ("悟", "satoru"), ("香織", "kaori"), ("康介", "kosuke"), ("愛", "ai"), ("悠", "yu"),
    ("智子", "tomoko"), ("健一", "kenichi"), ("美咲", "misaki"), ("一郎", "ichiro"),
    ("陽子", "yoko"), ("剛", "tsuyoshi"), ("久美子", "kumiko"), ("哲也", "tetsuya"),
    ("明美", "akemi"), ("大樹", "daiki"), ("真央", "mao"), ("翼", "tsubasa"), ("結衣", "yui"),
    ("蓮", "ren"), ("陽菜", "hina"), ("悠真", "yuma"), ("美月", "mizuki"), ("颯太", "sota"),
    ("葵", "aoi"), ("大和", "yamato"), ("凛", "rin"), ("湊", "minato"), ("芽依", "mei"),
    ("樹", "itsuki"), ("楓", "kaede"), ("光", "hikaru"), ("七海", "nanami"), ("亮太", "ryota"),
    ("彩花", "ayaka"), ("浩之", "hiroyuki"), ("典子", "noriko"), ("勝", "masaru"),
    ("幸子", "sachiko"), ("拓海", "takumi"), ("裕子", "yuko"), ("茂", "shigeru"),
    ("由香", "yuka"), ("学", "manabu"), ("真理", "mari"), ("進", "susumu"), ("純子", "junko"),
    ("聡", "satoshi"), ("恵子", "keiko"), ("実", "minoru"), ("京子", "kyoko"),
)  # fmt: skip

_EN_DIVISIONS = (
    "Consumer Division", "Enterprise Division", "Industrial Division", "International Division",
    "Public Sector Division", "Healthcare Division", "Retail Division", "Commercial Division",
)  # fmt: skip
_EN_FUNCTIONS = (
    "Operations", "Finance", "Information Technology", "Marketing", "Sales",
    "Research & Development", "Supply Chain", "Human Resources", "Legal", "Customer Service",
    "Data & Analytics", "Procurement", "Manufacturing", "Risk Management", "Strategy",
    "Corporate Affairs",
)  # fmt: skip
_EN_PROJECTS = (
    "ERP Modernization Program", "Cloud Migration Program", "Data Platform Project",
    "Customer 360 Program", "Zero Trust Program", "Smart Factory Project",
    "AI Enablement Program", "Supply Chain Visibility Project",
)  # fmt: skip
_JP_DIVISIONS = (
    "生産本部", "営業本部", "法人事業本部", "個人事業本部", "海外事業本部", "店舗事業本部",
    "研究開発本部", "管理本部",
)  # fmt: skip
_JP_FUNCTIONS = (
    "情報システム部", "経営企画部", "財務部", "人事部", "法務部", "調達部", "品質保証部",
    "マーケティング部", "データ活用推進部", "リスク管理部", "生産技術部", "物流部", "総務部",
    "広報部", "カスタマーサービス部", "営業企画部",
)  # fmt: skip
_JP_PROJECTS = (
    "DX推進プロジェクト", "基幹システム刷新プロジェクト", "データ基盤構築プロジェクト",
    "クラウド移行プロジェクト", "スマートファクトリー推進室", "AI活用推進室",
    "顧客基盤統合プロジェクト", "セキュリティ強化プロジェクト",
)  # fmt: skip

_SENIORITIES = ("c_level", "vp", "director", "manager", "staff")
_EN_C_TITLES = (
    "Chief Executive Officer", "Chief Financial Officer", "Chief Information Officer",
    "Chief Operating Officer", "Chief Technology Officer", "Chief Data Officer",
    "Chief Marketing Officer", "Chief Procurement Officer",
)  # fmt: skip
_JP_C_TITLES = (
    "代表取締役社長", "取締役 CFO", "取締役 CIO", "代表取締役副社長", "常務執行役員 CTO",
    "執行役員 CDO", "取締役 マーケティング担当", "常務取締役 調達担当",
)  # fmt: skip
_EN_STAFF = ("Analyst", "Specialist", "Engineer", "Coordinator", "Associate", "Lead")
_JP_STAFF = ("担当", "主任", "係長", "エンジニア", "アナリスト")

_PRODUCTS = (
    ("Tessera Analytics", "analytics"),
    ("Tessera Analytics Enterprise", "analytics"),
    ("Tessera Integrate", "data-integration"),
    ("Tessera Integrate Cloud", "data-integration"),
    ("Tessera Govern", "governance"),
    ("Tessera Premier Support", "support"),
    ("Tessera Professional Services", "services"),
)
_CATEGORIES = ("analytics", "data-integration", "governance", "support", "services")
_EN_DEAL_KINDS = ("PoC", "expansion", "renewal", "new logo", "upgrade", "pilot")
_JP_DEAL_KINDS = ("PoC", "追加導入", "更新", "新規導入", "アップグレード", "本番導入")
_CHANNELS = ("direct", "partner", "marketplace")
_CHANNEL_P = (0.65, 0.25, 0.10)

_TOUCH_TYPES = ("meeting", "call", "email", "event", "webinar", "chat", "visit")
_TYPE_P_SENIOR = np.array([0.30, 0.15, 0.27, 0.10, 0.02, 0.04, 0.12])
_TYPE_P_OTHER = np.array([0.15, 0.20, 0.42, 0.05, 0.08, 0.08, 0.02])
_INBOUND_P = np.array([0.20, 0.30, 0.35, 0.70, 0.80, 0.50, 0.10])
_ROUND_MINUTES = np.array([True, True, False, True, True, False, True])
_EN_NOTES = (
    "Discussed renewal timeline",
    "Sent pricing, waiting for feedback",
    'Asked for a "security review" pack',
    "Intro to the data team, follow up next week",
    "Demo of the integration roadmap",
    "Budget approved for next quarter, per the CFO",
    "Raised concerns about migration effort",
    "Shared case study; positive reaction",
    "Scheduling workshop with IT, finance and procurement",
    "Left voicemail",
)
_JP_NOTES = (
    "更新時期について協議",
    "見積を送付、回答待ち",
    "セキュリティチェックシートの提出依頼",
    "データチームへの紹介、来週フォロー",
    "連携ロードマップのデモを実施",
    "来期予算が承認済みとの情報（CFOより）",
    "移行工数について懸念あり",
    "事例を共有、反応は良好",
    "情報システム部・経理部・調達部とのワークショップ日程調整",
    "不在のため伝言",
)
_EN_ACTIONS = (
    "Book an executive briefing with the decider",
    "Send the business case for the expansion",
    "Find a champion in the unit",
    "Confirm budget owner before the proposal",
    "Re-engage the account: no touch in months",
    "Prepare the renewal quote",
    "Run a discovery workshop with IT",
)
_JP_ACTIONS = (
    "決裁者との役員面談を設定する",
    "追加導入のビジネスケースを送付する",
    "事業部内のチャンピオンを見つける",
    "提案前に予算オーナーを確認する",
    "しばらく接点がないため再アプローチする",
    "更新見積を準備する",
    "情報システム部とディスカバリーワークショップを実施する",
)


@dataclass(frozen=True, slots=True)
class _PersonName:
    """A person's name as written, and the romaji/latin keys of the email address."""

    display: str
    given_key: str
    family_key: str
    family: str
    given: str


def _lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence of ``a`` and ``b``."""
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b):
            cur.append(prev[j] + 1 if ch == other else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


class _NamePool:
    """Given x family names, picked so that no two names of one company look alike.

    Two names are alike when their Indel similarity (``rapidfuzz.fuzz.ratio``, on the name
    as entity resolution compares it: ``Given Family``, or kanji without the space) reaches
    :data:`NAME_SIMILARITY`: e.g. ``Amy Richardson`` and ``Ann Richardson`` (0.86) are never
    in the same company, ``Mary Hall`` and ``Mark Hill`` (0.78) may be. Only names sharing a
    given or a family name can be that close (the pools hold no two near-identical words), so
    only those are compared.
    """

    def __init__(
        self, given: Sequence[tuple[str, str]], family: Sequence[tuple[str, str]], *, jp: bool
    ) -> None:
        self.given, self.family, self.jp = given, family, jp
        self._lcs_g: list[list[int]] | None = None
        self._lcs_f: list[list[int]] | None = None

    def _tables(self) -> tuple[list[list[int]], list[list[int]]]:
        if self._lcs_g is None or self._lcs_f is None:
            self._lcs_g = [[_lcs(a, b) for b, _ in self.given] for a, _ in self.given]
            self._lcs_f = [[_lcs(a, b) for b, _ in self.family] for a, _ in self.family]
        return self._lcs_g, self._lcs_f

    def pick(self, rng: np.random.Generator, count: int) -> list[_PersonName]:
        lcs_g, lcs_f = self._tables()
        n_g, n_f = len(self.given), len(self.family)
        sep = 0 if self.jp else 1  # the space, in the compared form
        chosen: set[tuple[int, int]] = set()
        by_given: dict[int, list[int]] = {}
        by_family: dict[int, list[int]] = {}
        picks: list[tuple[int, int]] = []
        tries = 0
        limit = 50 * count + 100
        while len(picks) < count and tries < limit:
            draws = rng.integers(0, n_g * n_f, 2 * (count - len(picks)) + 8).tolist()
            for idx in draws:
                tries += 1
                g, f = divmod(idx, n_f)
                if (g, f) in chosen or self._alike(g, f, by_given, by_family, lcs_g, lcs_f, sep):
                    continue
                chosen.add((g, f))
                by_given.setdefault(g, []).append(f)
                by_family.setdefault(f, []).append(g)
                picks.append((g, f))
                if len(picks) == count:
                    break
        spacing = rng.random(len(picks)).tolist()
        out = []
        for (g, f), space in zip(picks, spacing, strict=True):
            (gn, gk), (fn, fk) = self.given[g], self.family[f]
            if self.jp:
                mark = "\u3000" if space < 0.5 else (" " if space < 0.75 else "")
                out.append(_PersonName(f"{fn}{mark}{gn}", gk, fk, fn, gn))
            else:
                out.append(_PersonName(f"{gn} {fn}", gk, fk, fn, gn))
        return out

    def _alike(
        self,
        g: int,
        f: int,
        by_given: dict[int, list[int]],
        by_family: dict[int, list[int]],
        lcs_g: list[list[int]],
        lcs_f: list[list[int]],
        sep: int,
    ) -> bool:
        len_g, len_f = len(self.given[g][0]), len(self.family[f][0])
        for f2 in by_given.get(g, ()):
            same = 2 * (len_g + sep + lcs_f[f][f2])
            if same >= NAME_SIMILARITY * (2 * (len_g + sep) + len_f + len(self.family[f2][0])):
                return True
        for g2 in by_family.get(f, ()):
            same = 2 * (len_f + sep + lcs_g[g][g2])
            if same >= NAME_SIMILARITY * (2 * (len_f + sep) + len_g + len(self.given[g2][0])):
                return True
        return False


#: Two names of one company are never this similar (Indel ratio, as ``rapidfuzz.fuzz.ratio``).
NAME_SIMILARITY = 0.85
_EN_NAMES = _NamePool(
    [(g, g.lower()) for g in _EN_GIVEN], [(f, f.lower()) for f in _EN_FAMILY], jp=False
)
_JP_NAMES = _NamePool(_JP_GIVEN, _JP_FAMILY, jp=True)


# -- summary ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GenerateConfig:
    """The knobs of :func:`generate_bundle`; the defaults give a realistic portfolio."""

    accounts: int
    seed: int = 0
    people_per_account: float = 20.0
    touches_per_person: float = 5.0
    deals_per_account: float = 3.0
    max_people_per_account: int = 5000
    accounts_per_member: float = 20.0
    years: int = 4
    today: date = DEFAULT_TODAY
    duplicates: int | None = None
    first_account_people: int | None = None

    def planted(self) -> int:
        """How many duplicates of each kind are planted (default: 2 to 20, by size)."""
        wanted = self.duplicates
        if wanted is None:
            wanted = max(2, min(20, self.accounts // 500))
        return max(0, min(wanted, self.accounts))


@dataclass(slots=True)
class GenerateSummary:
    """What :func:`generate_bundle` wrote."""

    out_dir: str
    config: dict[str, Any]
    rows: dict[str, int]
    planted_companies: int
    planted_people: int
    largest_accounts: list[tuple[str, int]] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the generator ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Name:
    """A company name before its legal form: display tokens, kanji tokens, domain tokens."""

    latin: tuple[str, ...]
    kanji: tuple[str, ...] | None
    keys: tuple[str, ...]
    industry: str


@dataclass(slots=True)
class _Head:
    """An account that may have subsidiaries."""

    company_id: str
    name: _Name
    country: str
    people: list[str]
    used: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Member:
    id: str
    role: str
    region: str


@dataclass(slots=True)
class _Person:
    """A person of the account being generated (build order; ``pid`` is the written id)."""

    pid: str
    level: int
    manager: int | None
    bu: int | None
    name: _PersonName
    email: str
    left_day: int | None  # days since the start of history


class _Writers:
    """One csv.writer per bundle file, counting rows."""

    def __init__(self, out_dir: Path) -> None:
        self._files: dict[Kind, TextIO] = {}
        self.writers: dict[Kind, Any] = {}
        self.rows: dict[Kind, int] = dict.fromkeys(Kind, 0)
        for kind in Kind:
            fh = (out_dir / f"{kind.value}.csv").open("w", encoding="utf-8", newline="")
            self._files[kind] = fh
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(HEADERS[kind])
            self.writers[kind] = writer

    def write(self, kind: Kind, rows: Sequence[Row]) -> None:
        if rows:
            self.writers[kind].writerows(rows)
            self.rows[kind] += len(rows)

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()


def _opt(value: object | None) -> object:
    return "" if value is None else value


def corporate_number(base12: int) -> str:
    """A 13-digit Japanese corporate number: the check digit, then the 12-digit base.

    >>> corporate_number(180301018771)  # Toyota Motor Corporation
    '1180301018771'
    """
    digits = f"{base12:012d}"
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(digits), start=1))
    return f"{9 - total % 9}{digits}"


class _Generator:
    def __init__(self, out_dir: Path, config: GenerateConfig) -> None:
        self.out_dir = out_dir
        self.c = config
        self.rng = np.random.default_rng(config.seed)
        self.span = config.years * 365  # days of history, day 0 = start
        self.start = config.today - timedelta(days=self.span)
        self.epoch_day = (self.start - date(1970, 1, 1)).days
        sigma = 1.2
        self.size_mu = math.log(max(config.people_per_account, 1.0)) - sigma**2 / 2
        self.size_sigma = sigma
        self.heads: list[_Head] = []
        self.name_counter = {"en": 0, "jp": 0}
        self.largest: list[tuple[int, str]] = []
        planted = config.planted()
        dup_rng = np.random.default_rng([config.seed, 7919])
        n = config.accounts
        self.dup_companies: dict[int, int] = {
            int(a): j for j, a in enumerate(sorted(dup_rng.choice(n, planted, replace=False) + 1))
        }
        self.dup_people: dict[int, int] = {
            int(a): j for j, a in enumerate(sorted(dup_rng.choice(n, planted, replace=False) + 1))
        }
        self.dup_company_rows: list[dict[str, Any]] = []
        self.planted_companies: list[dict[str, Any]] = []
        self.planted_people: list[dict[str, Any]] = []
        self.dup_person_id = ""
        self.w = _Writers(out_dir)
        self.team: list[_Member] = []
        self.by_region_role: dict[tuple[str, str], list[str]] = {}

    # -- helpers --------------------------------------------------------------------------------

    def day_str(self, day: int) -> str:
        return (self.start + timedelta(days=int(day))).isoformat()

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.rng.integers(len(seq)))]

    def names(self, jp: bool, count: int) -> list[_PersonName]:
        """``count`` names, no two of them alike (see :class:`_NamePool`)."""
        return (_JP_NAMES if jp else _EN_NAMES).pick(self.rng, count)

    # -- team -----------------------------------------------------------------------------------

    def write_team(self) -> None:
        rng = self.rng
        total = max(12, round(self.c.accounts / self.c.accounts_per_member))
        sizes = [max(3, round((total - 1) * s)) for s in _REGION_SHARE]
        specs: list[tuple[str, str, int | None]] = [("exec", "Global", None)]  # role, region, mgr
        for region, size in zip(_REGIONS, sizes, strict=True):
            head = len(specs)
            specs.append(("exec", region, 0))
            n_managers = max(1, round(size * 0.1))
            managers = list(range(len(specs), len(specs) + n_managers))
            specs.extend(("manager", region, head) for _ in managers)
            rest = size - 1 - n_managers
            roles = rng.choice(["ae", "se", "csm", "sdr"], rest, p=[0.4, 0.15, 0.15, 0.3])
            roles[0] = "ae"
            for role in roles.tolist():
                specs.append((role, region, managers[int(rng.integers(len(managers)))]))
        ids = [f"tm-{k:04d}" for k in (rng.permutation(len(specs)) + 1).tolist()]
        jp_idx = [k for k, s in enumerate(specs) if s[1] == "Japan"]
        en_idx = [k for k, s in enumerate(specs) if s[1] != "Japan"]
        names: dict[int, tuple[str, str]] = {}
        for idx_list, jp in ((jp_idx, True), (en_idx, False)):
            for k, pn in zip(idx_list, self.names(jp, len(idx_list)), strict=False):
                local = (
                    f"{pn.family_key}.{pn.given_key}" if jp else f"{pn.given_key}.{pn.family_key}"
                )
                names[k] = (pn.display, f"{local}@{OUR_DOMAIN}")
        rows = []
        for k, (role, region, mgr) in enumerate(specs):
            name, email = names.get(k, (f"Member {k}", f"member{k}@{OUR_DOMAIN}"))
            member = _Member(ids[k], role, region)
            self.team.append(member)
            self.by_region_role.setdefault((region, role), []).append(member.id)
            rows.append((ids[k], name, email, role, "" if mgr is None else ids[mgr], region))
        rows.sort(key=lambda r: r[0])
        self.w.write(Kind.TEAM, rows)

    def members(self, region: str, role: str) -> list[str]:
        """The region's members in ``role`` (its exec when it has none, for ``ae`` and ``exec``)."""
        found = self.by_region_role.get((region, role), [])
        if not found and role in ("ae", "exec"):
            found = self.by_region_role.get((region, "exec")) or self.by_region_role[GLOBAL_EXEC]
        return found

    # -- companies ------------------------------------------------------------------------------

    def new_name(self, jp: bool) -> _Name:
        key = "jp" if jp else "en"
        counter = self.name_counter[key]
        self.name_counter[key] = counter + 1
        if jp:
            dims = (len(_JP_PLACE), len(_JP_MID), len(_JP_SECTOR))
        else:
            dims = (len(_EN_A), len(_EN_B), len(_EN_C))
        space = dims[0] * dims[1] * dims[2]
        rnd, pos = divmod(counter, space)
        # A fixed bijection of the combination space, so consecutive accounts look unrelated.
        stride = 7_919 if space % 7_919 else 104_729
        idx = (pos * stride + 12_345) % space
        a, rest = divmod(idx, dims[1] * dims[2])
        b, c = divmod(rest, dims[2])
        extra = () if rnd == 0 else (str(rnd + 1),)
        if jp:
            (pk, pr), (mk, mr), (sk, sr, industry) = _JP_PLACE[a], _JP_MID[b], _JP_SECTOR[c]
            kanji = tuple(t for t in (pk, mk, sk) if t) + extra
            keys = tuple(t for t in (pr, mr, sr) if t) + extra
            latin = tuple(t.capitalize() for t in keys)
            return _Name(latin, kanji, keys, industry)
        words = (_EN_A[a], _EN_B[b], list(_EN_C)[c])
        return _Name(
            tuple(words) + extra,
            None,
            tuple(w.lower() for w in words) + extra,
            _EN_C[words[2]],
        )

    def subsidiary_name(self, head: _Head) -> tuple[_Name, str] | None:
        """A name for a new subsidiary of ``head`` and its country, or None if none is left."""
        rng = self.rng
        options: list[tuple[str, str, str | None]] = []  # qualifier key, country, kanji
        for q, country in _GEO_QUALIFIERS:
            if country != head.country and q.lower() not in head.used:
                options.append((q, country, None))
        for q in _FUNC_QUALIFIERS:
            if q.lower() not in head.used and head.name.kanji is None:
                options.append((q, head.country, None))
        if head.name.kanji is not None and head.country == "JP":
            for jp_qualifier, key in _JP_FUNC_QUALIFIERS:
                if key not in head.used:
                    options.append((key, "JP", jp_qualifier))
        if not options:
            return None
        q, country, kanji = options[int(rng.integers(len(options)))]
        key = q.lower()
        head.used.add(key)
        base = head.name
        if kanji is not None and base.kanji is not None:
            name = _Name(
                (*base.latin, q.capitalize()),
                (*base.kanji, kanji),
                (*base.keys, key),
                base.industry,
            )
        else:
            name = _Name((*base.latin, q), None, (*base.keys, key), base.industry)
        return name, country

    def company_display(self, name: _Name, country: str, legal: str) -> str:
        if name.kanji is not None and country == "JP":
            base = "".join(name.kanji)
            return f"{legal}{base}" if legal == "株式会社" else f"{base}{legal}"
        return f"{' '.join(name.latin)} {legal}"

    def legal_form(self, name: _Name, country: str) -> str:
        if name.kanji is not None and country == "JP":
            return "株式会社" if self.rng.random() < 0.92 else "合同会社"
        return str(self.pick(_COUNTRIES[_COUNTRY_INDEX[country]][3]))

    # -- one account ----------------------------------------------------------------------------

    def account(self, i: int) -> None:
        rng = self.rng
        c = self.c
        cid = f"c-{i:06d}"
        n = int(
            np.clip(
                round(rng.lognormal(self.size_mu, self.size_sigma)), 1, c.max_people_per_account
            )
        )
        if i == 1 and c.first_account_people is not None:
            n = max(1, c.first_account_people)

        # Company, possibly a subsidiary of an earlier account.
        parent: _Head | None = None
        name: _Name | None = None
        country = ""
        if self.heads and rng.random() < 0.11:
            head = self.heads[int(rng.integers(len(self.heads)))]
            sub = self.subsidiary_name(head)
            if sub is not None:
                parent = head
                name, country = sub
        if name is None:
            country = _COUNTRIES[int(rng.choice(len(_COUNTRIES), p=_COUNTRY_P))][0]
            name = self.new_name(country == "JP")
        jp = country == "JP"
        legal = self.legal_form(name, country)
        if legal == "株式会社" and rng.random() < 0.33:
            display = f"{''.join(name.kanji or ())}株式会社"
        else:
            display = self.company_display(name, country, legal)
        tld = _COUNTRIES[_COUNTRY_INDEX[country]][2]
        domain = f"{'-'.join(name.keys)}.{tld}"
        has_domain = rng.random() > 0.03 or i in self.dup_companies
        employees = max(n, int(round(n * rng.lognormal(3.6, 0.7), -1)))
        revenue_usd = employees * rng.lognormal(math.log(240_000), 0.45)
        revenue = round(revenue_usd, -5)
        corp_no = corporate_number(120_001_000_000 + i * 13) if jp and rng.random() < 0.7 else None
        currency = _COUNTRIES[_COUNTRY_INDEX[country]][4]
        if country in ("DE", "FR"):
            currency = "EUR"
        company_row = [
            cid,
            display,
            domain if has_domain else "",
            name.industry if rng.random() > 0.05 else "",
            employees if rng.random() > 0.08 else "",
            f"{revenue:.0f}" if rng.random() > 0.12 else "",
            country if rng.random() > 0.02 else "",
            parent.company_id if parent else "",
            _opt(corp_no),
        ]
        company_row.append("USD" if company_row[5] else "")  # revenue is generated in dollars
        self.w.write(Kind.COMPANIES, [company_row])
        if i in self.dup_companies:
            self.plant_company(i, company_row, name, country, legal)

        # Business units: a tree of divisions/functions with functions and projects under them.
        bus = self.business_units(cid, n, jp)
        top = [k for k, (_, parent_bu, _) in enumerate(bus) if parent_bu is None]
        children: dict[int, list[int]] = {}
        for k, (_, parent_bu, _) in enumerate(bus):
            if parent_bu is not None:
                children.setdefault(parent_bu, []).append(k)

        # People in a reports-to tree over the units.
        people = self.people(i, cid, n, jp, name, country, bus, top, children)
        if parent is None:
            head_p = 0.4 if n >= 30 else (0.1 if n >= 8 else 0.0)
        else:
            head_p = 0.1 if n >= 30 else 0.0
        if rng.random() < head_p:
            self.heads.append(_Head(cid, name, country, [p.pid for p in people[:3]]))
        entry = (n, cid)
        if len(self.largest) < 5:
            heapq.heappush(self.largest, entry)
        elif entry > self.largest[0]:
            heapq.heapreplace(self.largest, entry)

        roles = self.buying_roles(people, bus, top)
        self.relationships(people, parent)

        # Our account team.
        region = _REGION_OF[country]
        team: list[tuple[str, str]] = [(self.pick(self.members(region, "ae")), "ae")]
        if n > 150 and rng.random() < 0.5:
            team.append((self.pick(self.members(region, "ae")), "ae"))
        for role, p in (("se", 0.6), ("sdr", 0.5), ("csm", 0.5)):
            if rng.random() < p and (pool := self.members(region, role)):
                team.append((self.pick(pool), role))
        if n > 200:
            team.append((self.pick(self.members(region, "exec")), "exec sponsor"))
        team = list({m: (m, r) for m, r in reversed(team)}.values())[::-1]  # first role wins
        self.w.write(Kind.ACCOUNT_TEAM, [(cid, m, r) for m, r in team])

        deals = self.deals(i, cid, n, jp, name, currency, bus, top, team, region)
        self.deal_contacts(deals, people, roles)
        self.touches(i, n, jp, country, people, roles, deals, team, region)
        self.next_actions(i, cid, jp, people, roles, team)
        self.wallet(cid, n, revenue_usd, currency, deals, bus, top)

    def business_units(self, cid: str, n: int, jp: bool) -> list[tuple[str, int | None, str]]:
        """(name, parent index, org type) of each unit; also written."""
        rng = self.rng
        if n < 4 and rng.random() < 0.5:
            return []
        count = int(np.clip(round(1.5 * math.log2(n + 1) * rng.uniform(0.5, 1.2)), 1, 24))
        n_top = max(1, round(count * 0.45))
        divisions, functions, projects = (
            (_JP_DIVISIONS, _JP_FUNCTIONS, _JP_PROJECTS)
            if jp
            else (_EN_DIVISIONS, _EN_FUNCTIONS, _EN_PROJECTS)
        )
        used: set[str] = set()
        out: list[tuple[str, int | None, str]] = []
        for k in range(count):
            parent: int | None = None
            if k < n_top or not out:
                kind = "divisional" if rng.random() < 0.5 else "functional"
            else:
                parent = int(rng.integers(len(out)))
                kind = "functional" if rng.random() < 0.6 else "project"
            pool = {"divisional": divisions, "functional": functions, "project": projects}[kind]
            free = [x for x in pool if x not in used]
            if free:
                bu_name = free[int(rng.integers(len(free)))]
                used.add(bu_name)
                out.append((bu_name, parent, kind))
        rows = [
            (
                f"bu-{cid[2:]}-{k + 1:02d}",
                cid,
                bu_name,
                "" if parent is None else f"bu-{cid[2:]}-{parent + 1:02d}",
                kind if rng.random() > 0.05 else "",
            )
            for k, (bu_name, parent, kind) in enumerate(out)
        ]
        self.w.write(Kind.BUSINESS_UNITS, rows)
        return out

    def people(
        self,
        i: int,
        cid: str,
        n: int,
        jp: bool,
        name: _Name,
        country: str,
        bus: list[tuple[str, int | None, str]],
        top: list[int],
        children: dict[int, list[int]],
    ) -> list[_Person]:
        rng = self.rng
        names = self.names(jp, n)
        n = len(names)
        counts = [max(1, min(8, round(n * 0.03)))]
        for share in (0.07, 0.12, 0.22):
            counts.append(min(round(n * share), n - sum(counts)))
        counts.append(n - sum(counts))
        levels = np.repeat(np.arange(5), counts).tolist()
        order = (rng.permutation(n) + 1).tolist()  # written id of each person in build order
        domain = f"{'-'.join(name.keys)}.{_COUNTRIES[_COUNTRY_INDEX[country]][2]}"
        u = rng.random((n, 5))
        by_level: list[list[int]] = [[] for _ in range(5)]
        people: list[_Person] = []
        for k in range(n):
            level = levels[k]
            manager: int | None = None
            bu: int | None = None
            if k > 0:
                above = next(
                    (by_level[lv] for lv in range(level - 1, -1, -1) if by_level[lv]), by_level[0]
                )
                manager = above[int(u[k, 0] * len(above))] if level > 0 else 0
                mbu = people[manager].bu
                if level == 1 and top:
                    bu = top[int(u[k, 1] * len(top))]
                elif level >= 2 and bus:
                    if mbu is None:
                        bu = int(u[k, 1] * len(bus))
                    elif u[k, 2] < 0.7 or not children.get(mbu):
                        bu = mbu
                    else:
                        kids = children[mbu]
                        bu = kids[int(u[k, 1] * len(kids))]
            by_level[level].append(k)
            pn = names[k]
            local = f"{pn.family_key}.{pn.given_key}" if jp else f"{pn.given_key}.{pn.family_key}"
            left = None
            if k > 0 and u[k, 3] < 0.02:
                left = self.span - 7 - int(u[k, 4] * 700)
            people.append(
                _Person(
                    pid=f"p-{i:06d}-{order[k]:04d}",
                    level=level,
                    manager=manager,
                    bu=bu,
                    name=pn,
                    email=f"{local}@{domain}",
                    left_day=left,
                )
            )
        has_email = rng.random(n) > 0.08
        has_bu = rng.random(n) > 0.08
        has_mgr = rng.random(n) > 0.1
        staff_pick = rng.integers(0, 1 << 30, n)
        rows: list[list[object]] = [[] for _ in range(n)]
        for k, p in enumerate(people):
            title = self.title(
                jp, p.level, bus[p.bu][0] if p.bu is not None else None, int(staff_pick[k])
            )
            rows[order[k] - 1] = [
                p.pid,
                cid,
                p.name.display,
                f"bu-{cid[2:]}-{p.bu + 1:02d}" if p.bu is not None and has_bu[k] else "",
                p.email if has_email[k] else "",
                title,
                _SENIORITIES[p.level],
                people[p.manager].pid if p.manager is not None and has_mgr[k] else "",
                self.day_str(p.left_day) if p.left_day is not None else "",
            ]
        if i in self.dup_people:
            rows.append(self.plant_person(i, cid, people, rows, jp))
        self.w.write(Kind.PEOPLE, rows)
        return people

    def title(self, jp: bool, level: int, bu: str | None, pick: int) -> str:
        if level == 0:
            pool = _JP_C_TITLES if jp else _EN_C_TITLES
            return pool[pick % len(pool)]
        unit = bu or ((_JP_FUNCTIONS if jp else _EN_FUNCTIONS)[pick % 16])
        if jp:
            short = unit.removesuffix("プロジェクト")
            return (
                f"執行役員 {short}長",
                f"{short}長",
                f"{short} 課長",
                f"{short} {_JP_STAFF[pick % len(_JP_STAFF)]}",
            )[level - 1]
        return (
            f"VP, {unit}",
            f"Director, {unit}",
            f"{unit} Manager",
            f"{unit} {_EN_STAFF[pick % len(_EN_STAFF)]}",
        )[level - 1]

    def buying_roles(
        self, people: list[_Person], bus: list[tuple[str, int | None, str]], top: list[int]
    ) -> dict[int, str]:
        """Write the account's buying roles; return person index -> their main role."""
        rng = self.rng
        n = len(people)
        today = self.span
        by_level: list[list[int]] = [[] for _ in range(5)]
        for k, p in enumerate(people):
            if p.left_day is None:
                by_level[p.level].append(k)
        senior = by_level[0] + by_level[1]
        middle = by_level[2] + by_level[3]
        staff = by_level[4] or middle
        chosen: dict[tuple[int, str, int | None], None] = {}

        def add(pool: list[int], role: str, bu: int | None = None) -> None:
            if pool:
                chosen[(pool[int(rng.integers(len(pool)))], role, bu)] = None

        if rng.random() < (0.8 if n >= 3 else 0.5):
            add(senior, "decider")
        if rng.random() < 0.5:
            add(middle or senior, "buyer")
        for _ in range(min(int(rng.poisson(1.5)), 6)):
            add(middle or senior, "influencer")
        for _ in range(min(int(rng.poisson(1.2)), 6)):
            add(staff, "user")
        if rng.random() < 0.3:
            add(middle, "gatekeeper")
        if rng.random() < 0.3:
            add(middle or staff, "initiator")
        if rng.random() < 0.55:
            gone = [k for k, p in enumerate(people) if p.left_day is not None and p.level in (2, 3)]
            pool = gone if gone and rng.random() < 0.15 else (middle or senior)
            if pool:
                k = pool[int(rng.integers(len(pool)))]
                scoped = people[k].bu if rng.random() < 0.4 else None
                chosen[(k, "champion", scoped)] = None
        for t in top:
            members = [k for k, p in enumerate(people) if p.bu == t and p.left_day is None]
            if not members or rng.random() > 0.5:
                continue
            head = min(members, key=lambda k: people[k].level)
            chosen[(head, "decider", t)] = None
            if rng.random() < 0.4:
                add(members, "influencer", t)
            if rng.random() < 0.4:
                add(members, "user", t)
        rows = []
        main: dict[int, str] = {}
        cid_part = people[0].pid[2:8]
        for k, role, bu in chosen:
            since = int(rng.integers(0, today - 30))
            rows.append(
                (
                    people[k].pid,
                    role,
                    "" if bu is None else f"bu-{cid_part}-{bu + 1:02d}",
                    self.day_str(since) if rng.random() > 0.15 else "",
                )
            )
            if main.get(k) != "champion":
                main[k] = role
        self.w.write(Kind.BUYING_ROLES, rows)
        return main

    def relationships(self, people: list[_Person], parent: _Head | None) -> None:
        rng = self.rng
        n = len(people)
        rows = []
        seen: set[tuple[int, str, int]] = set()
        wanted = min(int(n * 0.15) + int(rng.poisson(1.0)), 2000) if n > 1 else 0
        kinds = rng.choice(3, wanted, p=[0.4, 0.35, 0.25]).tolist()
        pairs = rng.integers(0, n, (wanted, 2)).tolist()
        strengths = rng.uniform(0.2, 0.95, wanted).tolist()
        given = (rng.random(wanted) < 0.7).tolist()
        for j in range(wanted):
            a, b = pairs[j]
            kind = ("influences", "worked_with", "knows")[kinds[j]]
            if kind == "influences":  # upward: to the manager, or the manager's manager
                manager = people[a].manager
                if manager is None:
                    continue
                skip = people[manager].manager
                b = skip if skip is not None and b % 2 else manager
            if a == b or (a, kind, b) in seen:
                continue
            seen.add((a, kind, b))
            rows.append(
                (people[a].pid, people[b].pid, kind, f"{strengths[j]:.2f}" if given[j] else "")
            )
        if parent is not None:
            for other in parent.people[: int(rng.integers(0, 3))]:
                rows.append((people[0].pid, other, "worked_with", f"{rng.uniform(0.4, 0.9):.2f}"))
        self.w.write(Kind.RELATIONSHIPS, rows)

    def deals(
        self,
        i: int,
        cid: str,
        n: int,
        jp: bool,
        name: _Name,
        currency: str,
        bus: list[tuple[str, int | None, str]],
        top: list[int],
        team: list[tuple[str, str]],
        region: str,
    ) -> list[tuple[str, str, int, int | None, str, float]]:
        """Write the account's deals; return (id, stage, created, closed or None, category,
        amount) per deal, days since the start of history."""
        rng = self.rng
        c = self.c
        span = self.span
        mean = c.deals_per_account * math.sqrt(n / max(c.people_per_account, 1.0))
        count = min(int(rng.poisson(mean)), 200)
        forced = list(Stage) if i == 1 else []
        count = max(count, len(forced))
        short = "".join(name.kanji) if jp and name.kanji else " ".join(name.latin)
        ae = next(m for m, r in team if r == "ae")
        size = (n / max(c.people_per_account, 1.0)) ** 0.4
        out = []
        rows = []
        for k in range(count):
            cycle = max(14, int(rng.lognormal(math.log(100), 0.5)))
            stage: str
            if k < len(forced):
                stage = forced[k].value
                if Stage(stage).is_open:
                    created = span - int(cycle * (0.1 + 0.22 * k))
                    created = max(0, created)
                    cycle = max(cycle, span - created + 10)
                else:
                    created = max(0, span - cycle - int(rng.integers(30, 400)))
            else:
                created = int(rng.integers(0, span))
            closed_by = created + cycle
            if k >= len(forced):
                if closed_by <= span:
                    stage = "won" if rng.random() < 0.38 else "lost"
                else:
                    progress = (span - created) / cycle
                    stage = ("prospecting", "qualifying", "proposal", "negotiation")[
                        min(3, int(progress * 4))
                    ]
            is_open = stage not in ("won", "lost")
            product, category = _PRODUCTS[int(rng.integers(len(_PRODUCTS)))]
            usd = rng.lognormal(math.log(45_000 * size), 0.9)
            step = _ROUND_TO[currency]
            amount = max(step, round(usd * _FX[currency] / step) * step)
            has_amount = not is_open or rng.random() > 0.1
            kinds = _JP_DEAL_KINDS if jp else _EN_DEAL_KINDS
            deal_kind = kinds[int(rng.integers(len(kinds)))]
            label = f"{short} {product} {deal_kind}" if jp else f"{short} – {product} {deal_kind}"
            bu = None
            if bus and rng.random() < 0.6:
                pool = top if rng.random() < 0.7 else list(range(len(bus)))
                bu = pool[int(rng.integers(len(pool)))]
            u = rng.random()
            owner = ae if u < 0.85 else (self.pick(self.members(region, "ae")) if u < 0.97 else "")
            did = f"d-{i:06d}-{k + 1:03d}"
            close_day = closed_by if (not is_open or rng.random() < 0.85) else None
            rows.append(
                (
                    did,
                    cid,
                    stage,
                    "" if bu is None else f"bu-{cid[2:]}-{bu + 1:02d}",
                    label,
                    product,
                    category,
                    amount if has_amount else "",
                    currency,
                    self.day_str(created),
                    "" if close_day is None else self.day_str(close_day),
                    owner,
                    _CHANNELS[int(rng.choice(3, p=_CHANNEL_P))],
                )
            )
            out.append(
                (did, stage, created, None if is_open else closed_by, category, float(amount))
            )
        self.w.write(Kind.DEALS, rows)
        return out

    def deal_contacts(
        self,
        deals: list[tuple[str, str, int, int | None, str, float]],
        people: list[_Person],
        roles: dict[int, str],
    ) -> None:
        rng = self.rng
        n = len(people)
        weights = np.array(
            [
                (5.0 if k in roles else 1.0) * (0.2 if p.left_day is not None else 1.0)
                for k, p in enumerate(people)
            ]
        )
        weights /= weights.sum()
        other_roles = ("technical evaluator", "user", "influencer", "sponsor", "")
        rows = []
        for did, *_ in deals:
            count = min(n, 1 + int(rng.poisson(1.3)))
            for k in rng.choice(n, count, replace=False, p=weights).tolist():
                role = roles.get(k) or other_roles[int(rng.integers(len(other_roles)))]
                rows.append((did, people[k].pid, role))
        self.w.write(Kind.DEAL_CONTACTS, rows)

    def touches(
        self,
        i: int,
        n: int,
        jp: bool,
        country: str,
        people: list[_Person],
        roles: dict[int, str],
        deals: list[tuple[str, str, int, int | None, str, float]],
        team: list[tuple[str, str]],
        region: str,
        extra: Iterable[tuple[str, int]] = (),
    ) -> None:
        rng = self.rng
        span = self.span
        activity = rng.lognormal(-0.32, 0.8)
        total = int(rng.poisson(self.c.touches_per_person * n * activity))
        # The account's active window: some started late, some went cold.
        u = rng.random()
        a0 = float(rng.uniform(0, span * 0.8)) if u < 0.25 else 0.0
        a1 = float(span - rng.uniform(90, 540)) if 0.25 <= u < 0.45 else float(span)
        if a1 <= a0 + 30:
            a0 = max(0.0, a1 - 120)
        level_w = np.array([2.0, 3.0, 4.0, 3.0, 1.0])
        levels = np.array([p.level for p in people])
        w = level_w[levels] * rng.lognormal(0, 1.0, n)
        boost = np.array([6.0 if k in roles else 1.0 for k in range(n)])
        left = np.array([p.left_day if p.left_day is not None else span + 1 for p in people])
        w = w * boost * np.where(left <= span, 0.5, 1.0)
        counts = rng.multinomial(total, w / w.sum()) if total else np.zeros(n, int)
        who = np.repeat(np.arange(n), counts)
        total = len(who)
        # When: around deals, in bursts, or spread with growth toward today.
        mode = rng.random(total)
        t = a0 + (a1 - a0) * np.sqrt(rng.random(total))
        deal_of = np.full(total, -1)
        if deals:
            dm = mode < 0.5
            pick = rng.integers(0, len(deals), int(dm.sum()))
            created = np.array([d[2] for d in deals], dtype=float)
            ended = np.array([d[3] if d[3] is not None else span for d in deals], dtype=float)
            lo, hi = created[pick] - 21, np.minimum(ended[pick] + 3, span)
            t[dm] = lo + (hi - lo) * rng.random(len(pick))
            deal_of[dm] = np.where(rng.random(len(pick)) < 0.75, pick, -1)
        bursts = a0 + (a1 - a0) * rng.random(1 + int(rng.poisson(1.5 * self.c.years)))
        bm = (mode >= 0.5) & (mode < 0.8)
        t[bm] = bursts[rng.integers(0, len(bursts), int(bm.sum()))] + rng.exponential(
            6, int(bm.sum())
        )
        out = (t < a0) | (t > a1)
        t[out] = a0 + (a1 - a0) * rng.random(int(out.sum()))
        gone = t > left[who]
        if gone.any():
            lw = left[who][gone].astype(float)
            start = np.minimum(a0, lw - 60).clip(0)
            t[gone] = start + (lw - start) * rng.random(int(gone.sum()))
            deal_of[gone] = -1
        day = np.floor(t).astype(np.int64).clip(0, span)
        weekday = (day + self.epoch_day + 3) % 7  # 0 = Monday
        weekend = (weekday >= 5) & (rng.random(total) > 0.05)
        day = np.where(weekend & (weekday == 5), day - 1, np.where(weekend, day + 1, day))
        day = day.clip(0, span)
        # What: channel by seniority, direction by channel, minute by channel.
        senior = levels[who] <= 1
        ty = np.where(
            senior,
            rng.choice(7, total, p=_TYPE_P_SENIOR),
            rng.choice(7, total, p=_TYPE_P_OTHER),
        )
        hour = 8 + rng.integers(0, 10, total)
        minute = np.where(
            _ROUND_MINUTES[ty], rng.integers(0, 4, total) * 15, rng.integers(0, 60, total)
        )
        offset = _COUNTRIES[_COUNTRY_INDEX[country]][5]
        local = (day + self.epoch_day) * 86400 + hour * 3600 + minute * 60
        stamp = local if jp else local - offset * 3600
        order = np.argsort(stamp, kind="stable")
        who, ty, stamp, deal_of = who[order], ty[order], stamp[order], deal_of[order]
        text = np.datetime_as_string(stamp.astype("datetime64[s]")).tolist()
        suffix = "+09:00" if jp else "Z"
        inbound = rng.random(total) < _INBOUND_P[ty]
        no_direction = rng.random(total) < 0.04
        # Who from our side: the account team, mostly the AE, sometimes anyone in the region.
        team_ids = [m for m, _ in team]
        role_w = {"ae": 5.0, "sdr": 2.0, "se": 2.0, "csm": 2.0, "exec sponsor": 0.5}
        tw = np.array([role_w.get(r, 1.0) for _, r in team])
        member_pick = rng.choice(len(team_ids), total, p=tw / tw.sum())
        stray = rng.random(total) < 0.05
        region_pool = self.members(region, "ae") + self.members(region, "sdr")
        stray_pick = rng.integers(0, len(region_pool), total)
        notes_pool = _JP_NOTES if jp else _EN_NOTES
        has_note = rng.random(total) < 0.2
        note_pick = rng.integers(0, len(notes_pool), total)
        pids = [p.pid for p in people]
        deal_ids = [d[0] for d in deals]
        rows = [
            (
                f"t-{i:06d}-{k + 1:05d}",
                region_pool[stray_pick[k]] if stray[k] else team_ids[member_pick[k]],
                pids[who[k]],
                _TOUCH_TYPES[ty[k]],
                text[k] + suffix,
                "" if no_direction[k] else ("inbound" if inbound[k] else "outbound"),
                "" if deal_of[k] < 0 else deal_ids[deal_of[k]],
                notes_pool[note_pick[k]] if has_note[k] else "",
            )
            for k in range(total)
        ]
        self.w.write(Kind.TOUCHES, rows)
        if i in self.dup_people:
            self.touch_duplicate(i, total, team_ids[0], jp, country)

    def next_actions(
        self,
        i: int,
        cid: str,
        jp: bool,
        people: list[_Person],
        roles: dict[int, str],
        team: list[tuple[str, str]],
    ) -> None:
        rng = self.rng
        pool = _JP_ACTIONS if jp else _EN_ACTIONS
        holders = [k for k in roles if people[k].left_day is None]
        rows = []
        n_open, n_done = int(rng.poisson(0.8)), int(rng.poisson(0.5))
        for k in range(n_open + n_done):
            is_open = k < n_open
            due = (
                self.span + int(rng.integers(1, 45))
                if is_open
                else self.span - int(rng.integers(1, 90))
            )
            person = (
                holders[int(rng.integers(len(holders)))] if holders and rng.random() < 0.7 else None
            )
            rows.append(
                (
                    f"a-{i:06d}-{k + 1:02d}",
                    cid,
                    team[int(rng.integers(len(team)))][0],
                    self.day_str(due),
                    pool[int(rng.integers(len(pool)))],
                    "" if person is None else people[person].pid,
                    ("open" if is_open else "done") if rng.random() > 0.1 else "",
                )
            )
        self.w.write(Kind.NEXT_ACTIONS, rows)

    def wallet(
        self,
        cid: str,
        n: int,
        revenue_usd: float,
        currency: str,
        deals: list[tuple[str, str, int, int | None, str, float]],
        bus: list[tuple[str, int | None, str]],
        top: list[int],
    ) -> None:
        rng = self.rng
        if rng.random() > 0.25 + 0.35 * min(1.0, n / 100):
            return
        span = self.span
        won: dict[str, float] = {}
        for _, stage, _, closed, category, amount in deals:
            if stage == "won" and closed is not None and span - closed <= 365:
                won[category] = won.get(category, 0.0) + amount
        step = _ROUND_TO[currency]
        fx = _FX[currency]
        categories = rng.choice(len(_CATEGORIES), int(rng.integers(1, 4)), replace=False)
        fiscal_month = 4 if currency == "JPY" else 1
        today = self.c.today
        latest = date(today.year, fiscal_month, 1)
        if latest > today:
            latest = date(today.year - 1, fiscal_month, 1)
        rows: list[Row] = []
        for cat in sorted(categories.tolist()):
            category = _CATEGORIES[cat]
            base = revenue_usd * rng.uniform(0.0004, 0.003) * fx
            spend = won.get(category, 0.0)
            base = max(base, spend * rng.uniform(1.3, 6.0))
            if spend and rng.random() < 0.04:
                base = spend * rng.uniform(0.5, 0.9)  # a stale estimate: below what they spend
            for y in range(int(rng.integers(1, 4))):  # yearly estimates, the latest first
                as_of = latest.replace(year=latest.year - y)
                amount = max(step, round(base * (1 - 0.08 * y) / step) * step)
                source = str(self.pick(("survey", "analyst", "model", "manual")))
                rank = count = ""
                if source == "survey" and rng.random() < 0.7:
                    vendors = 1 + int(rng.poisson(2.0))
                    count, rank = str(vendors), str(int(rng.integers(1, vendors + 1)))
                rows.append(
                    (cid, category, amount, as_of.isoformat(), "", source, rank, count, currency)
                )
            for t in top:  # some units estimated on their own
                if rng.random() < 0.3:
                    amount = max(step, round(base * rng.uniform(0.1, 0.5) / step) * step)
                    unit = f"bu-{cid[2:]}-{t + 1:02d}"
                    rows.append(
                        (
                            cid,
                            category,
                            amount,
                            latest.isoformat(),
                            unit,
                            "analyst",
                            "",
                            "",
                            currency,
                        )
                    )
        self.w.write(Kind.WALLET, rows)

    # -- planted duplicates ---------------------------------------------------------------------

    def plant_company(
        self, i: int, row: list[object], name: _Name, country: str, legal: str
    ) -> None:
        j = self.dup_companies[i]
        dup_id = f"c-{self.c.accounts + j + 1:06d}"
        original = str(row[1])
        if name.kanji is not None and country == "JP":
            base = "".join(name.kanji)
            variants = (f"(株){base}", f"㈱{base}", f"{base}株式会社", f"株式会社 {base}")
        else:
            base = " ".join(name.latin)
            other = next(
                (f for f in ("Inc.", "Corp.", "Ltd.", "LLC", "GmbH") if f != legal), "Inc."
            )
            variants = (
                f"{base} {other}",
                f"{base.upper()}, {legal.upper().rstrip('.')}",
                base,
                f"{base}, {legal}",
            )
        dup_name = variants[j % len(variants)]
        if dup_name == original:
            dup_name = variants[(j + 1) % len(variants)]
        domain = str(row[2])
        dup_domain = (domain, f"www.{domain}", domain.upper())[j % 3]
        dup_row = [dup_id, dup_name, dup_domain, row[3], "", "", row[6], "", row[8]]
        self.dup_company_rows.append({"row": dup_row, "currency": country})
        shared = ["domain", "name"]
        if row[8]:
            shared.insert(0, "corporate_number")
        self.planted_companies.append(
            {
                "original": row[0],
                "duplicate": dup_id,
                "shared": shared,
                "names": [original, dup_name],
                "domains": [domain, dup_domain],
            }
        )

    def plant_person(
        self, i: int, cid: str, people: list[_Person], rows: list[list[object]], jp: bool
    ) -> list[object]:
        """A second row for one of the account's people: same name, email in another case."""
        j = self.dup_people[i]
        person = people[int(self.rng.integers(len(people)))]
        row = rows[int(person.pid.rsplit("-", 1)[1]) - 1]
        row[4] = person.email  # the original has its email, whatever the draw said
        local, domain = person.email.split("@")
        dup_email = (
            f"{local.title()}@{domain}",
            person.email.upper(),
            f"{local}@{domain.upper()}",
        )[j % 3]
        name = person.name
        dup_name = name.display
        if jp:
            spaced = name.display != f"{name.family}{name.given}"
            dup_name = (
                f"{name.family}{name.given}" if spaced else f"{name.family}\u3000{name.given}"
            )
        dup_id = f"p-{i:06d}-{len(people) + 1:04d}"
        self.dup_person_id = dup_id
        self.planted_people.append(
            {
                "original": person.pid,
                "duplicate": dup_id,
                "company_id": cid,
                "shared": ["email", "name"],
                "names": [name.display, dup_name],
                "emails": [person.email, dup_email],
            }
        )
        return [dup_id, cid, dup_name, row[3], dup_email, row[5], row[6], "", ""]

    def touch_duplicate(self, i: int, start: int, member: str, jp: bool, country: str) -> None:
        rng = self.rng
        rows = []
        for k in range(1 + int(rng.integers(3))):
            day = self.span - int(rng.integers(5, 300))
            stamp = f"{self.day_str(day)}T{10 + k}:00:00{'+09:00' if jp else 'Z'}"
            rows.append(
                (
                    f"t-{i:06d}-{start + k + 1:05d}",
                    member,
                    self.dup_person_id,
                    "email",
                    stamp,
                    "inbound",
                    "",
                    "",
                )
            )
        self.w.write(Kind.TOUCHES, rows)

    def write_rates(self) -> None:
        """Static rates against JPY, the generated portfolio's reporting currency: units of
        each currency per yen, from the rates the amounts were generated with."""
        rows = [
            (currency, repr(per_usd / _FX["JPY"]), "", "")
            for currency, per_usd in sorted(_FX.items())
            if currency != "JPY"
        ]
        self.w.write(Kind.FX_RATES, rows)

    def finish(self) -> None:
        rng = self.rng
        for entry in self.dup_company_rows:
            row = entry["row"]
            self.w.write(Kind.COMPANIES, [row])
            original = next(p for p in self.planted_companies if p["duplicate"] == row[0])
            ae = self.pick(self.members(_REGION_OF.get(str(row[6]) or "US", "North America"), "ae"))
            created = int(rng.integers(0, self.span - 400))
            self.w.write(
                Kind.DEALS,
                [
                    (
                        f"d-{str(row[0])[2:]}-001",
                        row[0],
                        "won" if rng.random() < 0.5 else "lost",
                        "",
                        f"{row[1]} – {_PRODUCTS[0][0]} (imported)",
                        _PRODUCTS[0][0],
                        _PRODUCTS[0][1],
                        "",
                        "",
                        self.day_str(created),
                        self.day_str(created + 120),
                        ae,
                        "direct",
                    )
                ],
            )
            original["deal"] = f"d-{str(row[0])[2:]}-001"


def generate_bundle(
    out_dir: Path,
    accounts: int,
    seed: int = 0,
    *,
    people_per_account: float = 20.0,
    touches_per_person: float = 5.0,
    deals_per_account: float = 3.0,
    max_people_per_account: int = 5000,
    accounts_per_member: float = 20.0,
    years: int = 4,
    today: date = DEFAULT_TODAY,
    duplicates: int | None = None,
    first_account_people: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> GenerateSummary:
    """Write a native bundle of ``accounts`` accounts to ``out_dir`` (created if needed).

    Deterministic: the same arguments write the same bytes. ``first_account_people`` makes
    account ``c-000001`` exactly that large (e.g. 2,000 people for influence paths on a big
    account). ``progress`` is called with the number of accounts written so far, every few
    accounts and at the end.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     summary = generate_bundle(Path(tmp), accounts=3, seed=1)
    >>> summary.rows["companies.csv"] - summary.planted_companies
    3
    """
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    config = GenerateConfig(
        accounts=accounts,
        seed=seed,
        people_per_account=people_per_account,
        touches_per_person=touches_per_person,
        deals_per_account=deals_per_account,
        max_people_per_account=max_people_per_account,
        accounts_per_member=accounts_per_member,
        years=years,
        today=today,
        duplicates=duplicates,
        first_account_people=first_account_people,
    )
    began = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gen = _Generator(out_dir, config)
    try:
        gen.write_team()
        gen.write_rates()
        every = max(1, accounts // 1000)
        for i in range(1, accounts + 1):
            gen.account(i)
            if progress is not None and (i % every == 0 or i == accounts):
                progress(i)
        gen.finish()
    finally:
        gen.w.close()
    planted = {
        "seed": seed,
        "accounts": accounts,
        "companies": gen.planted_companies,
        "people": gen.planted_people,
    }
    (out_dir / PLANTED_FILE).write_text(
        json.dumps(planted, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    summary = GenerateSummary(
        out_dir=str(out_dir),
        config={
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(config).items()
        },
        rows={f"{k.value}.csv": v for k, v in gen.w.rows.items()},
        planted_companies=len(gen.planted_companies),
        planted_people=len(gen.planted_people),
        largest_accounts=[(cid, n) for n, cid in sorted(gen.largest, reverse=True)],
    )
    manifest = summary.as_dict()
    del manifest["out_dir"], manifest["seconds"]  # the same bytes for the same arguments
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    summary.seconds = time.perf_counter() - began
    return summary
