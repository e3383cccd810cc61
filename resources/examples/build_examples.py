"""Build the two bundled example plans (deterministic: same code, same bytes).

    .venv/bin/python resources/examples/build_examples.py [OUTPUT_DIR]

writes ``pangyo.json``, ``pangyo.drplan``, ``pangyo-after.json`` and
``pangyo-after.drplan`` into OUTPUT_DIR (default: this folder). The company,
HaneulTalk, is fictional; the plans are modelled on the October 2022 Pangyo
data-centre fire and its assumptions are written down in README.md beside this file.

``pangyo`` is the company as it was: a primary site in Pangyo, standbys in Anyang and
data copies in Gasan, with the operations tooling (the console that promotes
standbys, deployment, monitoring), the media object storage and the login session
cache in Pangyo only. Pangyo's racks hang off three power feeds (rack groups); the
fire scenario fails the three feeds and brings them back at 23, 30 and 86 hours, after
a 40-minute declaration, with every failover switched by hand: the replay of
``pangyo-2022-milestones.json``. ``pangyo-after`` is the same company after the fixes
announced in December 2022: a new owned site in Ansan, the control plane and storage
active in three sites, database promotion automated.

Each service that keeps data says where its copies live, how far behind each is and its
RPO (``DATA_BEFORE``, ``DATA_AFTER``), and each failover when it was last tested: as it
was, the messages and accounts in three sites (Pangyo, an Anyang replica, the nightly
Gasan backup), the media objects only in Pangyo, the mail on special storage in Pangyo
with a nightly Gasan copy, and the payments switch to another site never tested. The
``pangyo-lost`` scenario loses Pangyo for good, so the plan as it was reports the media
lost; after the fixes nothing is lost and every RPO holds.

Every number is an integer on purpose: the files are canonical as written.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent.parent) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(HERE.parent.parent))

from planner.model.plan import (  # noqa: E402
    DataCopy,
    Domain,
    Plan,
    Pool,
    Rack,
    Scenario,
    Server,
    Service,
    Site,
)
from planner.storage import save_plan  # noqa: E402

OUTPUTS = ("pangyo", "pangyo-after")

# ------------------------------------------------------------------ sites and racks

SITES: dict[str, tuple[str, str, str]] = {
    # id: (name, colour, notes)
    "pangyo": (
        "판교 / Pangyo (leased colocation, primary)",
        "#c0392b",
        "Primary site in a leased colocation building; every service runs here first. "
        "The building's lithium-ion UPS batteries sit in the basement electrical room.",
    ),
    "anyang": (
        "안양 / Anyang (leased, standby)",
        "#2e86c1",
        "Second leased site, about 20 km away; holds the standbys, a few active-active "
        "services and the ads platform.",
    ),
    "gasan": (
        "가산 / Gasan (data copies)",
        "#7f8c8d",
        "Third site holding the backup catalog and the nightly copies of mail, the "
        "databases and the console. It runs no customer-facing service.",
    ),
    "ansan": (
        "안산 / Ansan (owned data centre)",
        "#27ae60",
        "The company's own data centre, announced after the fire: one of three sites where "
        "the control plane and storage run active.",
    ),
}

SITE_BOXES: dict[str, tuple[int, int]] = {
    "pangyo": (40, 40),
    "anyang": (720, 40),
    "gasan": (1400, 40),
    "ansan": (720, 560),
}
SITE_SIZE = (640, 460)

# ------------------------------------------------------------------ power domains

# The three rack groups of Pangyo, each on its own power feed. In 2022 power came back
# to the building in stages; the return times are in the fire scenario (README.md).
# domain id -> (name, notes)
DOMAINS: dict[str, tuple[str, str]] = {
    "pangyo-power-a": (
        "판교 전원 A / Pangyo power feed A (accounts & payments)",
        "Feeds rack PG-A03. The first group to get power back after the fire.",
    ),
    "pangyo-power-b": (
        "판교 전원 B / Pangyo power feed B (storage & portal)",
        "Feeds rack PG-A04: the media object storage and the portal.",
    ),
    "pangyo-power-c": (
        "판교 전원 C / Pangyo power feed C (operations, messaging & mail)",
        "Feeds racks PG-A01 and PG-A02, the hall nearest the burnt battery room: the last "
        "to get power back.",
    ),
}
POWER_OF_RACK: dict[str, str] = {
    "pg-a01": "pangyo-power-c",
    "pg-a02": "pangyo-power-c",
    "pg-a03": "pangyo-power-a",
    "pg-a04": "pangyo-power-b",
}

# rack id -> (site, name, notes)
RACKS: dict[str, tuple[str, str, str | None]] = {
    "pg-a01": (
        "pangyo",
        "PG-A01 운영 / operations",
        "Operations console, deployment, monitoring, configuration and the API gateway.",
    ),
    "pg-a02": (
        "pangyo",
        "PG-A02 메시징·메일 / messaging & mail",
        "Messaging, the business channels, both mail systems and the chat drawer.",
    ),
    "pg-a03": (
        "pangyo",
        "PG-A03 계정·결제 / accounts & payments",
        "Both session-cache nodes share this rack and its two PDUs.",
    ),
    "pg-a04": ("pangyo", "PG-A04 스토리지·포털 / storage & portal", None),
    "ay-b01": ("anyang", "AY-B01 메시징 대기 / messaging standby", None),
    "ay-b02": ("anyang", "AY-B02 계정·서비스 대기 / accounts & services standby", None),
    "ay-b03": ("anyang", "AY-B03 공용 / shared", None),
    "gs-c01": ("gasan", "GS-C01 백업 / backup copies", None),
    "gs-c02": ("gasan", "GS-C02 아카이브 / archive", None),
    "an-d01": ("ansan", "AN-D01 제어 / control plane", None),
    "an-d02": ("ansan", "AN-D02 메시징·계정 / messaging & accounts", None),
    "an-d03": ("ansan", "AN-D03 스토리지 / storage", None),
}

# rack id -> servers bottom-up: (server id, role, height in units)
BEFORE_SERVERS: dict[str, list[tuple[str, str, int]]] = {
    "pg-a01": [
        ("pg-infra-01", "DNS resolver", 1),
        ("pg-ops-01", "operations console", 1),
        ("pg-ops-02", "operations console", 1),
        ("pg-ops-03", "deployment", 1),
        ("pg-ops-04", "monitoring", 1),
        ("pg-cfg-01", "configuration store", 1),
        ("pg-cfg-02", "configuration store", 1),
        ("pg-api-01", "API gateway", 1),
        ("pg-api-02", "API gateway", 1),
    ],
    "pg-a02": [
        ("pg-db-01", "message database", 2),
        ("pg-db-02", "message database", 2),
        ("pg-chat-01", "chat gateway", 1),
        ("pg-chat-02", "chat gateway", 1),
        ("pg-chat-03", "chat gateway", 1),
        ("pg-chat-04", "open chat", 1),
        ("pg-msg-01", "message delivery", 1),
        ("pg-msg-02", "message delivery", 1),
        ("pg-msg-03", "message delivery", 1),
        ("pg-mq-01", "message queue", 1),
        ("pg-mq-02", "message queue", 1),
        ("pg-mq-03", "message queue", 1),
        ("pg-push-01", "push notifications", 1),
        ("pg-chan-01", "business channels", 1),
        ("pg-chan-02", "business channels", 1),
        ("pg-app-02", "chat drawer", 1),
        ("pg-mail-01", "portal mail front end", 1),
        ("pg-mail-02", "portal mail store", 4),
        ("pg-tmail-01", "messenger mail", 4),
    ],
    "pg-a03": [
        ("pg-db-03", "account database", 2),
        ("pg-cache-01", "session cache", 1),
        ("pg-cache-02", "session cache", 1),
        ("pg-auth-01", "login", 1),
        ("pg-auth-02", "login", 1),
        ("pg-pay-01", "payments", 1),
        ("pg-pay-02", "payments", 1),
        ("pg-social-01", "friends & profiles", 1),
        ("pg-shop-01", "gifts", 1),
        ("pg-shop-02", "gifts", 1),
        ("pg-shop-03", "emoticon shop", 1),
        ("pg-mob-01", "taxi hailing", 1),
        ("pg-mob-02", "taxi hailing", 1),
        ("pg-app-03", "support tools", 1),
    ],
    "pg-a04": [
        ("pg-obj-01", "media object storage", 4),
        ("pg-obj-02", "media object storage", 4),
        ("pg-obj-03", "media object storage", 4),
        ("pg-obj-04", "media object storage", 4),
        ("pg-media-01", "media front end", 1),
        ("pg-media-02", "media front end", 1),
        ("pg-search-01", "search", 1),
        ("pg-search-02", "search", 1),
        ("pg-web-01", "portal & news", 1),
        ("pg-web-02", "communities", 1),
        ("pg-map-01", "maps", 1),
        ("pg-ads-01", "ads (standby)", 1),
    ],
    "ay-b01": [
        ("ay-db-01", "message database replica", 2),
        ("ay-db-02", "message database replica", 2),
        ("ay-infra-01", "DNS resolver", 1),
        ("ay-cfg-01", "configuration store", 1),
        ("ay-chat-01", "chat gateway", 1),
        ("ay-chat-02", "chat gateway", 1),
        ("ay-chat-03", "open chat", 1),
        ("ay-msg-01", "message delivery", 1),
        ("ay-msg-02", "message delivery", 1),
        ("ay-mq-01", "message queue", 1),
        ("ay-mq-02", "message queue", 1),
        ("ay-push-01", "push notifications", 1),
    ],
    "ay-b02": [
        ("ay-db-03", "account database replica", 2),
        ("ay-auth-01", "login", 1),
        ("ay-pay-01", "payments", 1),
        ("ay-pay-02", "payments", 1),
        ("ay-social-01", "friends & profiles", 1),
        ("ay-shop-01", "gifts", 1),
        ("ay-shop-02", "emoticon shop", 1),
        ("ay-mob-01", "taxi hailing", 1),
        ("ay-mob-02", "taxi hailing", 1),
        ("ay-media-01", "media front end", 1),
        ("ay-web-01", "portal & news", 1),
    ],
    "ay-b03": [
        ("ay-api-01", "API gateway", 1),
        ("ay-ads-01", "ads", 1),
        ("ay-ads-02", "ads", 1),
        ("ay-map-01", "maps", 1),
    ],
    "gs-c01": [
        ("gs-bk-01", "backup catalog", 1),
        ("gs-bk-02", "backup vault", 4),
        ("gs-bk-03", "backup vault", 4),
    ],
    "gs-c02": [
        ("gs-bk-04", "backup vault", 4),
        ("gs-bk-05", "backup vault", 4),
    ],
}

# Servers added by the fixes (appended to the racks above, or in the new Ansan racks).
AFTER_SERVERS: dict[str, list[tuple[str, str, int]]] = {
    "ay-b02": [("ay-web-02", "communities", 1)],
    "ay-b03": [
        ("ay-ops-01", "operations console", 1),
        ("ay-ops-02", "monitoring", 1),
        ("ay-cache-01", "session cache", 1),
        ("ay-cache-02", "session cache", 1),
        ("ay-search-01", "search replica", 1),
        ("ay-obj-01", "media object storage", 4),
        ("ay-obj-02", "media object storage", 4),
        ("ay-obj-03", "media object storage", 4),
        ("ay-obj-04", "media object storage", 4),
    ],
    "an-d01": [
        ("an-infra-01", "DNS resolver", 1),
        ("an-ops-01", "operations console", 1),
        ("an-ops-02", "deployment", 1),
        ("an-ops-03", "monitoring", 1),
        ("an-cfg-01", "configuration store", 1),
        ("an-cfg-02", "configuration store", 1),
        ("an-api-01", "API gateway", 1),
    ],
    "an-d02": [
        ("an-db-01", "message database replica", 2),
        ("an-db-02", "message database replica", 2),
        ("an-db-03", "account database replica", 2),
        ("an-chat-01", "chat gateway", 1),
        ("an-chat-02", "chat gateway", 1),
        ("an-msg-01", "message delivery", 1),
        ("an-msg-02", "message delivery", 1),
        ("an-mq-01", "message queue", 1),
        ("an-mq-02", "message queue", 1),
        ("an-cache-01", "session cache", 1),
        ("an-cache-02", "session cache", 1),
        ("an-auth-01", "login", 1),
        ("an-push-01", "push notifications", 1),
    ],
    "an-d03": [
        ("an-obj-01", "media object storage", 4),
        ("an-obj-02", "media object storage", 4),
        ("an-obj-03", "media object storage", 4),
        ("an-obj-04", "media object storage", 4),
        ("an-mail-02", "portal mail store", 4),
        ("an-mail-01", "portal mail front end", 1),
        ("an-tmail-01", "messenger mail replica", 4),
        ("an-chan-01", "business channels", 1),
        ("an-media-01", "media front end", 1),
        ("an-search-01", "search replica", 1),
        ("an-bk-01", "backup catalog", 1),
        ("an-bk-02", "backup vault", 4),
        ("an-bk-03", "backup vault", 4),
    ],
}

SERVER_NOTES: dict[str, str] = {
    "pg-ops-01": "Holds the console's state: which replica is primary, and the promotion jobs.",
    "pg-cache-01": "Sessions live only in memory here and on pg-cache-02, in the same rack.",
    "pg-mail-02": "About 1 PB of mailboxes on special storage; the only copy outside it is "
    "the nightly one in the Gasan vault.",
    "pg-obj-03": "Holds the second copy of the media objects: in the same rack as the first.",
    "gs-bk-05": "Also drives the tape library that keeps the monthly archive.",
}

# ------------------------------------------------------------------ pools

POOLS: list[tuple[str, str, int, str]] = [
    (
        "oncall",
        "당직 엔지니어 / on-call engineers",
        5,
        "Engineers on call on a Saturday afternoon, plus those who could be reached; each "
        "failover or rebuild occupies one or two of them while it runs.",
    ),
    (
        "dba",
        "DBA / database administrators",
        3,
        "Database administrators who can promote replicas and check replication lag.",
    ),
    (
        "restore-streams",
        "백업 복원 스트림 / backup restore streams",
        4,
        "Parallel copy streams between sites (from the Gasan vault, or out of Pangyo once "
        "it has power) to new storage in Anyang, limited by the inter-site links (about "
        "10 Gbit/s each).",
    ),
    (
        "storage-eng",
        "스토리지 엔지니어 / storage engineers",
        2,
        "Engineers who can build and load a storage cluster; one per restore.",
    ),
]

# ------------------------------------------------------------------ services


@dataclass
class Spec:
    """One service as written here; placements differ between the two plans."""

    id: str
    name: str
    tier: int
    rto: int
    restore: int
    team: str
    steps: list[str]
    notes: str | None = None
    failover: int | None = None
    automatic: bool = False  # fails over without waiting for the declaration
    restart: int | None = None  # restart in place once its servers have power again
    restart_needs: dict[str, int] | None = None  # None: the same as needs
    servers: list[str] = field(default_factory=list)
    standby: list[str] = field(default_factory=list)
    min_instances: int = 1
    needs: dict[str, int] = field(default_factory=dict)
    depends_on: list[str] = field(default_factory=list)
    rpo: int | None = None  # filled from DATA_BEFORE / DATA_AFTER
    data: list[CopySpec] = field(default_factory=list)
    tested_on: date | None = None  # the last failover test (FAILOVER_TESTS_*)


# The services the recovery itself needs: promoting standbys, deploying, watching.
RECOVERY_TOOLING = frozenset({"ops-tooling", "deploy", "monitoring"})


TEAMS: dict[str, tuple[str, str, str]] = {
    # key: (team, owner, colour)
    "platform": ("플랫폼 운영 / Platform Operations", "정우진 (Jung Woo-jin)", "#34495e"),
    "messaging": ("메시징 / Messaging", "이서연 (Lee Seo-yeon)", "#f1c40f"),
    "accounts": ("계정 / Accounts", "박민준 (Park Min-jun)", "#e67e22"),
    "database": ("데이터베이스 / Database", "최지은 (Choi Ji-eun)", "#8e44ad"),
    "storage": ("스토리지 / Storage", "한도윤 (Han Do-yoon)", "#7f8c8d"),
    "media": ("미디어 / Media", "윤하은 (Yoon Ha-eun)", "#e74c3c"),
    "mail": ("메일 / Mail", "강태호 (Kang Tae-ho)", "#16a085"),
    "portal": ("검색·포털 / Search & Portal", "오수빈 (Oh Su-bin)", "#2980b9"),
    "commerce": ("커머스 / Commerce", "임재현 (Lim Jae-hyun)", "#d35400"),
    "ads": ("광고 / Ads", "송예린 (Song Ye-rin)", "#c0392b"),
    "mobility": ("모빌리티 / Mobility", "조현우 (Jo Hyun-woo)", "#2c3e50"),
    "support": ("고객지원 / Customer Support", "배나연 (Bae Na-yeon)", "#95a5a6"),
}


def _nums(prefix: str, count: int, first: int = 1) -> list[str]:
    return [f"{prefix}-{i:02d}" for i in range(first, first + count)]


def _specs_before() -> list[Spec]:
    return [
        Spec(
            "status-page",
            "장애 공지 / status page",
            0,
            15,
            0,
            "support",
            ["Post the first notice within 15 minutes", "Update it every hour until resolved"],
            notes="Hosted by an outside provider on purpose, so it runs on none of our servers "
            "and no scenario can take it down.",
        ),
        Spec(
            "dns",
            "내부 DNS / internal DNS",
            0,
            30,
            60,
            "platform",
            ["Check both resolvers answer", "Remove the lost resolver from DHCP options"],
            servers=["pg-infra-01", "ay-infra-01"],
            needs={"oncall": 1},
        ),
        Spec(
            "backup-catalog",
            "백업 카탈로그 / backup catalog",
            1,
            240,
            240,
            "storage",
            ["Confirm the catalog answers from Gasan", "List the latest copy of each dataset"],
            servers=["gs-bk-01"],
            needs={"oncall": 1},
        ),
        Spec(
            "backup-vault",
            "백업 저장소 / backup vault",
            1,
            1440,
            2880,
            "storage",
            ["Check the vault is readable", "Reserve read bandwidth for the restores"],
            notes="Nightly copies of mail, the channels, the drawer, the databases and the "
            "console. Not of the media object storage, which was replicated inside Pangyo only.",
            servers=_nums("gs-bk", 4, first=2),
            min_instances=2,
            needs={"storage-eng": 1},
        ),
        Spec(
            "ops-tooling",
            "운영 도구 / operations tooling",
            0,
            60,
            360,
            "platform",
            [
                "Provision two hosts in Anyang",
                "Restore the console from the Gasan backup",
                "Re-register every standby with the console",
            ],
            notes="The console that promotes standbys. Single-homed in Pangyo: when Pangyo "
            "is lost, no standby anywhere can be promoted until it is rebuilt elsewhere.",
            servers=["pg-ops-01", "pg-ops-02"],
            needs={"oncall": 2},
            depends_on=["dns", "backup-catalog"],
        ),
        Spec(
            "deploy",
            "배포 / deployment pipeline",
            1,
            240,
            240,
            "platform",
            ["Rebuild the pipeline runner in Anyang", "Re-point it at the artifact mirror"],
            notes="Single-homed in Pangyo; new capacity cannot be deployed without it.",
            servers=["pg-ops-03"],
            needs={"oncall": 1},
            depends_on=["ops-tooling"],
        ),
        Spec(
            "monitoring",
            "모니터링 / monitoring & alerting",
            1,
            120,
            180,
            "platform",
            ["Rebuild the metrics server in Anyang", "Re-import the dashboards and alerts"],
            notes="Single-homed in Pangyo: during the first hours nobody can see anything.",
            servers=["pg-ops-04"],
            needs={"oncall": 1},
            depends_on=["ops-tooling"],
        ),
        Spec(
            "config",
            "설정 저장소 / configuration store",
            0,
            30,
            180,
            "platform",
            ["Promote the Anyang replica", "Check every client sees the new leader"],
            failover=30,
            servers=["pg-cfg-01", "pg-cfg-02"],
            standby=["ay-cfg-01"],
            needs={"oncall": 1},
            depends_on=["ops-tooling"],
        ),
        Spec(
            "api-gateway",
            "API 게이트웨이 / API gateway",
            0,
            30,
            120,
            "platform",
            ["Check the Anyang gateway carries the traffic", "Drain the lost gateways"],
            servers=["pg-api-01", "pg-api-02", "ay-api-01"],
            needs={"oncall": 1},
            depends_on=["dns"],
        ),
        Spec(
            "mq",
            "메시지 큐 / message queue",
            0,
            60,
            240,
            "messaging",
            ["Promote the Anyang brokers", "Check consumer lag is falling"],
            failover=45,
            servers=_nums("pg-mq", 3),
            standby=_nums("ay-mq", 2),
            min_instances=2,
            needs={"oncall": 1},
            depends_on=["ops-tooling", "config"],
        ),
        Spec(
            "chat-gateway",
            "채팅 연결 서버 / chat connection gateway",
            0,
            30,
            120,
            "messaging",
            ["Promote the Anyang gateways", "Shift the client endpoints in DNS"],
            failover=30,
            servers=_nums("pg-chat", 3),
            standby=_nums("ay-chat", 2),
            min_instances=2,
            needs={"oncall": 1},
            depends_on=["ops-tooling", "config", "dns"],
        ),
        Spec(
            "msg-db",
            "메시지 DB / message database",
            0,
            60,
            1440,
            "database",
            [
                "Freeze writes to the old primary",
                "Promote the Anyang replicas",
                "Reconcile the last minutes of messages",
            ],
            failover=150,
            servers=["pg-db-01", "pg-db-02"],
            standby=["ay-db-01", "ay-db-02"],
            min_instances=2,
            needs={"dba": 2},
            depends_on=["ops-tooling", "config"],
        ),
        Spec(
            "msg-delivery",
            "메시지 전송 / message delivery",
            0,
            60,
            240,
            "messaging",
            ["Start the Anyang delivery workers", "Send a test message between two sites"],
            failover=60,
            servers=_nums("pg-msg", 3),
            standby=_nums("ay-msg", 2),
            min_instances=2,
            needs={"oncall": 1},
            depends_on=["msg-db", "mq", "chat-gateway", "api-gateway"],
        ),
        Spec(
            "notifications",
            "알림 / push notifications",
            1,
            120,
            120,
            "messaging",
            ["Promote the Anyang push sender", "Re-send the queued notifications"],
            failover=30,
            servers=["pg-push-01"],
            standby=["ay-push-01"],
            needs={"oncall": 1},
            depends_on=["mq", "config"],
        ),
        Spec(
            "open-chat",
            "오픈채팅 / open chat",
            2,
            480,
            180,
            "messaging",
            ["Promote the Anyang open-chat server", "Reopen room creation"],
            failover=45,
            servers=["pg-chat-04"],
            standby=["ay-chat-03"],
            needs={"oncall": 1},
            depends_on=["msg-delivery"],
        ),
        Spec(
            "account-db",
            "계정 DB / account database",
            0,
            60,
            1440,
            "database",
            ["Promote the Anyang replica", "Check row counts against the last backup"],
            failover=90,
            servers=["pg-db-03"],
            standby=["ay-db-03"],
            needs={"dba": 1},
            depends_on=["ops-tooling", "config"],
        ),
        Spec(
            "session-cache",
            "로그인 세션 캐시 / login session cache",
            0,
            60,
            420,
            "accounts",
            [
                "Deploy a new cache cluster in Anyang",
                "Warm it from the account database",
                "Point login at it",
            ],
            notes="Pangyo-only, both nodes in one rack: nothing to fail over to. A new "
            "cluster is deployed and warmed from the account database, and users sign in "
            "again: the sessions are not restored, so the plan gives the cache no data "
            "copies (a copy would make the rebuild wait for Pangyo's power).",
            servers=["pg-cache-01", "pg-cache-02"],
            needs={"oncall": 2},
            depends_on=["deploy", "config"],
        ),
        Spec(
            "login",
            "로그인 / login",
            0,
            60,
            180,
            "accounts",
            ["Promote the Anyang login server", "Sign in with a test account from each app"],
            failover=60,
            servers=["pg-auth-01", "pg-auth-02"],
            standby=["ay-auth-01"],
            needs={"oncall": 1},
            depends_on=["account-db", "session-cache", "api-gateway"],
        ),
        Spec(
            "friends",
            "친구·프로필 / friends & profiles",
            1,
            240,
            240,
            "accounts",
            ["Promote the Anyang profile server", "Check friend lists load"],
            failover=45,
            servers=["pg-social-01"],
            standby=["ay-social-01"],
            needs={"oncall": 1},
            depends_on=["account-db"],
        ),
        Spec(
            "media-storage",
            "미디어 오브젝트 스토리지 / media object storage",
            1,
            240,
            1380,
            "storage",
            [
                "Build a new storage cluster in Anyang",
                "Copy the objects over from Pangyo once its storage has power",
                "Verify object counts and checksums",
            ],
            notes="Pangyo-only: every copy of the photos and videos is in one Pangyo rack, so "
            "nothing can be served elsewhere before Pangyo's power returns, and copying "
            "about 200 TB out then takes 23 hours; once its own feed is back the cluster "
            "starts in place and checks its disks in an hour. If Pangyo never came back, "
            "the media would be gone.",
            restart=60,
            restart_needs={"storage-eng": 1},
            servers=_nums("pg-obj", 4),
            min_instances=2,
            needs={"restore-streams": 2, "storage-eng": 1},
            depends_on=["deploy", "backup-vault"],
        ),
        Spec(
            "media",
            "사진·동영상 / media",
            1,
            240,
            180,
            "media",
            ["Promote the Anyang media front end", "Send a photo and a video in a test chat"],
            failover=60,
            restart=15,
            servers=["pg-media-01", "pg-media-02"],
            standby=["ay-media-01"],
            needs={"oncall": 1},
            depends_on=["media-storage", "login"],
        ),
        Spec(
            "payments",
            "결제 / payments",
            1,
            120,
            480,
            "commerce",
            [
                "Promote the Anyang payment servers",
                "Reconcile in-flight transactions with the card networks",
            ],
            notes="Its own systems have standbys in Anyang, but every payment is certified "
            "through the messenger's accounts: nothing can be paid before login is back. Its "
            "switch to another site has never been tested.",
            failover=60,
            restart=30,
            servers=["pg-pay-01", "pg-pay-02"],
            standby=["ay-pay-01", "ay-pay-02"],
            min_instances=2,
            needs={"oncall": 1, "dba": 1},
            depends_on=["account-db", "api-gateway", "config", "login"],
        ),
        Spec(
            "gifts",
            "선물하기 / gifts & shop",
            2,
            480,
            240,
            "commerce",
            ["Promote the Anyang shop server", "Re-send undelivered gift coupons"],
            failover=45,
            servers=["pg-shop-01", "pg-shop-02"],
            standby=["ay-shop-01"],
            needs={"oncall": 1},
            depends_on=["payments", "login"],
        ),
        Spec(
            "emoticons",
            "이모티콘 / emoticon shop",
            3,
            1440,
            180,
            "commerce",
            ["Promote the Anyang emoticon server", "Check purchased sets download"],
            failover=30,
            servers=["pg-shop-03"],
            standby=["ay-shop-02"],
            needs={"oncall": 1},
            depends_on=["payments", "media-storage"],
        ),
        Spec(
            "taxi",
            "택시 호출 / taxi hailing",
            1,
            240,
            240,
            "mobility",
            ["Promote the Anyang dispatch servers", "Call a test ride in Seoul and Busan"],
            failover=45,
            restart=30,
            servers=["pg-mob-01", "pg-mob-02"],
            standby=["ay-mob-01", "ay-mob-02"],
            min_instances=2,
            needs={"oncall": 1},
            depends_on=["login", "payments", "maps"],
        ),
        Spec(
            "maps",
            "지도 / maps",
            2,
            480,
            240,
            "mobility",
            ["Check the Anyang map tiles serve all traffic", "Scale the Anyang pool up"],
            notes="Active in both sites: losing either costs nothing.",
            servers=["pg-map-01", "ay-map-01"],
            needs={"oncall": 1},
        ),
        Spec(
            "ads",
            "광고 / ads",
            3,
            1440,
            240,
            "ads",
            ["Promote the Pangyo ad server", "Pause campaigns that cannot be measured"],
            notes="Runs in Anyang with a standby in Pangyo: the one service the fire spared.",
            failover=30,
            servers=["ay-ads-01", "ay-ads-02"],
            standby=["pg-ads-01"],
            needs={"oncall": 1},
            depends_on=["api-gateway"],
        ),
        Spec(
            "search",
            "검색 / search",
            2,
            480,
            600,
            "portal",
            ["Deploy new search nodes in Anyang", "Rebuild the index from the source systems"],
            notes="No replica outside Pangyo: the index must be rebuilt.",
            servers=_nums("pg-search", 2),
            needs={"oncall": 1},
            depends_on=["deploy", "backup-vault"],
        ),
        Spec(
            "news-portal",
            "포털·뉴스 / portal & news",
            2,
            480,
            240,
            "portal",
            ["Promote the Anyang portal server", "Re-enable search boxes on the front page"],
            failover=60,
            servers=["pg-web-01"],
            standby=["ay-web-01"],
            needs={"oncall": 1},
            depends_on=["api-gateway", "config", "search"],
        ),
        Spec(
            "cafe",
            "카페 / communities",
            3,
            1440,
            720,
            "portal",
            ["Deploy a new community server in Anyang", "Restore boards and attachments"],
            restart=30,
            restart_needs={"oncall": 1},
            servers=["pg-web-02"],
            needs={"restore-streams": 1, "storage-eng": 1},
            depends_on=["deploy", "media-storage", "login"],
        ),
        Spec(
            "mail-store",
            "메일 저장소 / portal mail store",
            2,
            1440,
            6660,
            "mail",
            [
                "Build a new mail store in Anyang",
                "Restore mailboxes from the Gasan vault",
                "Replay the mail queued by senders",
            ],
            notes="Pangyo-only, on special storage equipment, about 1 PB; a nightly copy "
            "sits in the Gasan vault. Copying it back over two 10 Gbit/s streams takes "
            "about 111 hours, longer than waiting for its power feed and checking the "
            "store in place (30 minutes).",
            restart=30,
            restart_needs={"storage-eng": 1},
            servers=["pg-mail-02"],
            needs={"restore-streams": 2, "storage-eng": 1},
            depends_on=["deploy", "backup-vault"],
        ),
        Spec(
            "mail",
            "메일 / portal mail",
            2,
            1440,
            120,
            "mail",
            ["Deploy the mail front end in Anyang", "Send and receive a test message"],
            notes="The portal's mail (Daum Mail in 2022).",
            restart=15,
            servers=["pg-mail-01"],
            needs={"oncall": 1},
            depends_on=["mail-store", "login"],
        ),
        Spec(
            "talk-mail",
            "톡메일 / messenger mail",
            2,
            1440,
            2820,
            "mail",
            [
                "Build a new mail store in Anyang",
                "Copy the mailboxes from the Gasan vault (about 400 TB)",
                "Send and receive a test message",
            ],
            notes="The messenger's own mail (Kakao Mail in 2022), Pangyo-only: about 400 TB, "
            "copied back over two streams in 44 hours plus 3 hours to build and check.",
            servers=["pg-tmail-01"],
            needs={"restore-streams": 2, "storage-eng": 1},
            depends_on=["deploy", "backup-vault", "login"],
        ),
        Spec(
            "talk-channel",
            "톡채널 / business channels",
            1,
            240,
            5760,
            "messaging",
            [
                "Power up the channel servers and check their store",
                "Resend the notices queued by businesses",
            ],
            notes="Businesses' and public agencies' channels and notices, Pangyo-only. Rebuilding "
            "it elsewhere (channels, chatbots, templates, several hundred TB) takes about 4 "
            "days, so it waits for its power feed and restarts in place (assumed sizes).",
            restart=40,
            restart_needs={"oncall": 1},
            servers=["pg-chan-01", "pg-chan-02"],
            needs={"oncall": 1, "restore-streams": 2, "storage-eng": 1},
            depends_on=["msg-delivery", "login", "deploy"],
        ),
        Spec(
            "drive",
            "톡서랍 / chat drawer",
            2,
            1440,
            8000,
            "storage",
            [
                "Power up the drawer's storage nodes",
                "Let them re-check every object before serving",
                "Open a saved chat and a saved file",
            ],
            notes="Users' saved chats, photos and files: about 600 TB, Pangyo-only. Copying it "
            "from Gasan over one stream would take 133 hours; after the hard power-off its "
            "nodes re-check every object in place, which takes about 40 hours (assumed).",
            restart=2400,
            restart_needs={"storage-eng": 1},
            servers=["pg-app-02"],
            needs={"restore-streams": 1, "storage-eng": 1},
            depends_on=["media-storage", "login"],
        ),
        Spec(
            "cs-tools",
            "고객센터 도구 / customer support tools",
            2,
            480,
            240,
            "support",
            ["Deploy the support console in Anyang", "Restore the ticket queue"],
            servers=["pg-app-03"],
            needs={"oncall": 1},
            depends_on=["deploy", "login"],
        ),
    ]


def _apply_fixes(specs: list[Spec]) -> list[Spec]:
    """The changes announced in December 2022, applied to the plan as it was."""
    by_id = {s.id: s for s in specs}

    def place(
        service_id: str,
        servers: list[str],
        standby: Sequence[str] = (),
        min_instances: int = 1,
        failover: int | None = None,
        notes: str | None = None,
        automatic: bool = False,
    ) -> None:
        spec = by_id[service_id]
        spec.servers = servers
        spec.standby = list(standby)
        spec.min_instances = min_instances
        spec.failover = failover
        spec.automatic = automatic
        if notes is not None:
            spec.notes = notes

    place("dns", ["pg-infra-01", "ay-infra-01", "an-infra-01"])
    place(
        "ops-tooling",
        ["pg-ops-01", "pg-ops-02", "ay-ops-01", "an-ops-01"],
        notes="The console that promotes standbys, now active in three sites: losing any "
        "one site leaves two consoles that can promote standbys.",
    )
    place("deploy", ["pg-ops-03", "an-ops-02"], notes="Active in Pangyo and Ansan.")
    place(
        "backup-catalog",
        ["gs-bk-01", "an-bk-01"],
        notes="Active in Gasan and Ansan, each with the whole catalog.",
    )
    place(
        "backup-vault",
        [*_nums("gs-bk", 4, first=2), "an-bk-02", "an-bk-03"],
        min_instances=2,
        notes="Gasan's four vault hosts and two in Ansan: the restores still have a vault "
        "when Gasan is lost.",
    )
    place("monitoring", ["pg-ops-04", "ay-ops-02", "an-ops-03"], notes="Active in three sites.")
    place(
        "config",
        ["pg-cfg-01", "pg-cfg-02", "ay-cfg-01", "an-cfg-01", "an-cfg-02"],
        min_instances=3,
        notes="Five voters in three sites (2 + 1 + 2): any one site may be lost.",
    )
    place("api-gateway", ["pg-api-01", "pg-api-02", "ay-api-01", "an-api-01"])
    place("mq", [*_nums("pg-mq", 3), *_nums("ay-mq", 2), *_nums("an-mq", 2)], min_instances=3)
    place(
        "chat-gateway",
        [*_nums("pg-chat", 3), *_nums("ay-chat", 2), *_nums("an-chat", 2)],
        min_instances=3,
    )
    place(
        "msg-db",
        ["pg-db-01", "pg-db-02"],
        ["ay-db-01", "ay-db-02", "an-db-01", "an-db-02"],
        min_instances=2,
        failover=15,
        automatic=True,
        notes="Replicas in two other sites; promotion is automated and rehearsed quarterly.",
    )
    place(
        "msg-delivery",
        [*_nums("pg-msg", 3), *_nums("ay-msg", 2), *_nums("an-msg", 2)],
        min_instances=3,
    )
    place("notifications", ["pg-push-01", "ay-push-01", "an-push-01"])
    place(
        "account-db",
        ["pg-db-03"],
        ["ay-db-03", "an-db-03"],
        failover=15,
        automatic=True,
        notes="Replicas in two other sites; promotion is automated and rehearsed quarterly.",
    )
    place(
        "session-cache",
        [*_nums("pg-cache", 2), *_nums("ay-cache", 2), *_nums("an-cache", 2)],
        min_instances=2,
        notes="Active in three sites, two nodes each, sessions replicated between them.",
    )
    place("login", ["pg-auth-01", "pg-auth-02", "ay-auth-01", "an-auth-01"])
    place(
        "media-storage",
        [*_nums("pg-obj", 4), *_nums("ay-obj", 4), *_nums("an-obj", 4)],
        min_instances=6,
        notes="Erasure-coded across three sites: any one site may be lost.",
    )
    place("media", ["pg-media-01", "pg-media-02", "ay-media-01", "an-media-01"])
    place(
        "mail-store",
        ["pg-mail-02", "an-mail-02"],
        notes="Mailboxes replicated between Pangyo and Ansan.",
    )
    place("mail", ["pg-mail-01"], ["an-mail-01"], failover=30)
    place("friends", ["pg-social-01", "ay-social-01"], notes="Active in Pangyo and Anyang.")
    place(
        "payments",
        ["pg-pay-01", "pg-pay-02", "ay-pay-01", "ay-pay-02"],
        min_instances=2,
        notes="Active in Pangyo and Anyang, two servers each; either site carries the load.",
    )
    place(
        "taxi",
        ["pg-mob-01", "pg-mob-02", "ay-mob-01", "ay-mob-02"],
        min_instances=2,
        notes="Dispatch active in Pangyo and Anyang; either site carries the load.",
    )
    place(
        "talk-channel",
        ["pg-chan-01", "pg-chan-02", "an-chan-01"],
        notes="Active in Pangyo and Ansan.",
    )
    place(
        "talk-mail",
        ["pg-tmail-01"],
        ["an-tmail-01"],
        failover=30,
        notes="Mailboxes replicated to Ansan; the replica is promoted in 30 minutes.",
    )
    place("search", _nums("pg-search", 2), ["ay-search-01", "an-search-01"], failover=60)
    place("cafe", ["pg-web-02"], ["ay-web-02"], failover=60)
    by_id["drive"].restore = 180
    by_id["drive"].notes = (
        "Still single-homed (tier 2, accepted risk); its data is in the three-site media "
        "storage, so a rebuild takes hours, not days."
    )
    by_id["cs-tools"].restore = 120
    by_id["cs-tools"].notes = "Still single-homed (accepted risk); redeployed from the pipeline."
    return specs


# ------------------------------------------------------------------ data copies

# (copy id, on: ids of servers, racks, sites or domains, lag in minutes, kind, notes)
CopySpec = tuple[str, list[str], int, str, str | None]

DAY = 24 * 60
VAULT = ["gs-c01", "gs-c02"]  # the Gasan backup vault's two racks
PG_OBJ = _nums("pg-obj", 4)
AY_OBJ = _nums("ay-obj", 4)
AN_OBJ = _nums("an-obj", 4)
NIGHTLY = "Taken nightly to the Gasan vault: up to a day behind."


def _gasan(notes: str = NIGHTLY) -> CopySpec:
    return ("gasan-backup", list(VAULT), DAY, "backup", notes)


# service id -> (RPO in minutes, copies) as it was. The public record (README.md, "Data
# copies") says which data was kept where; every lag and RPO is the plan's assumption.
# Services that keep no data of their own (DNS, the gateways, delivery workers, push,
# deployment, monitoring, front ends) have no copies and no RPO.
DATA_BEFORE: dict[str, tuple[int, list[CopySpec]]] = {
    "backup-catalog": (
        DAY,
        [
            ("catalog", ["gs-bk-01"], 0, "primary", None),
            ("tape", ["gs-bk-05"], DAY, "offline", "The catalog's nightly tape."),
        ],
    ),
    "ops-tooling": (
        60,
        [
            ("console", ["pg-ops-01", "pg-ops-02"], 0, "primary", "Which replica is primary."),
            _gasan(),
        ],
    ),
    "config": (
        5,
        [
            ("pangyo-voters", ["pg-cfg-01", "pg-cfg-02"], 0, "primary", None),
            ("anyang-replica", ["ay-cfg-01"], 0, "replica", None),
        ],
    ),
    "msg-db": (
        15,
        [
            ("primary", ["pg-db-01", "pg-db-02"], 0, "primary", None),
            (
                "anyang-replica",
                ["ay-db-01", "ay-db-02"],
                5,
                "replica",
                "Asynchronous: the last minutes of messages are reconciled on promotion.",
            ),
            _gasan(),
        ],
    ),
    "account-db": (
        15,
        [
            ("primary", ["pg-db-03"], 0, "primary", None),
            ("anyang-replica", ["ay-db-03"], 5, "replica", None),
            _gasan(),
        ],
    ),
    "friends": (
        60,
        [
            ("primary", ["pg-social-01"], 0, "primary", None),
            ("anyang-replica", ["ay-social-01"], 15, "replica", None),
        ],
    ),
    "media-storage": (
        60,
        [
            ("objects", PG_OBJ[:2], 0, "primary", None),
            (
                "pangyo-replica",
                PG_OBJ[2:],
                0,
                "replica",
                "Replicated inside Pangyo only, in the same rack: no copy outside the building.",
            ),
        ],
    ),
    "payments": (
        5,
        [
            ("primary", ["pg-pay-01", "pg-pay-02"], 0, "primary", None),
            ("anyang-replica", ["ay-pay-01", "ay-pay-02"], 0, "replica", None),
            _gasan(),
        ],
    ),
    "talk-channel": (
        60,
        [("store", ["pg-chan-01", "pg-chan-02"], 0, "primary", None), _gasan()],
    ),
    "mail-store": (
        60,
        [
            (
                "special-storage",
                ["pg-mail-02"],
                0,
                "primary",
                "The mailboxes on special storage equipment in Pangyo.",
            ),
            _gasan(),
        ],
    ),
    "talk-mail": (60, [("store", ["pg-tmail-01"], 0, "primary", None), _gasan()]),
    "drive": (DAY, [("store", ["pg-app-02"], 0, "primary", None), _gasan()]),
    "cafe": (DAY, [("boards", ["pg-web-02"], 0, "primary", None), _gasan()]),
}

# What the fixes change (the other entries stay as they were).
DATA_AFTER: dict[str, tuple[int, list[CopySpec]]] = {
    "backup-catalog": (
        DAY,
        [
            ("catalog", ["gs-bk-01"], 0, "primary", None),
            ("ansan-replica", ["an-bk-01"], 0, "replica", None),
            ("tape", ["gs-bk-05"], DAY, "offline", "The catalog's nightly tape."),
        ],
    ),
    "ops-tooling": (
        60,
        [
            ("console", ["pg-ops-01", "pg-ops-02"], 0, "primary", None),
            ("anyang-replica", ["ay-ops-01"], 0, "replica", None),
            ("ansan-replica", ["an-ops-01"], 0, "replica", None),
            _gasan(),
        ],
    ),
    "config": (
        5,
        [
            ("pangyo-voters", ["pg-cfg-01", "pg-cfg-02"], 0, "primary", None),
            ("anyang-voter", ["ay-cfg-01"], 0, "replica", None),
            ("ansan-voters", ["an-cfg-01", "an-cfg-02"], 0, "replica", None),
        ],
    ),
    "msg-db": (
        15,
        [
            ("primary", ["pg-db-01", "pg-db-02"], 0, "primary", None),
            ("anyang-replica", ["ay-db-01", "ay-db-02"], 5, "replica", None),
            ("ansan-replica", ["an-db-01", "an-db-02"], 5, "replica", None),
            _gasan(),
        ],
    ),
    "account-db": (
        15,
        [
            ("primary", ["pg-db-03"], 0, "primary", None),
            ("anyang-replica", ["ay-db-03"], 5, "replica", None),
            ("ansan-replica", ["an-db-03"], 5, "replica", None),
            _gasan(),
        ],
    ),
    "friends": (
        60,
        [
            ("pangyo", ["pg-social-01"], 0, "primary", None),
            ("anyang", ["ay-social-01"], 0, "replica", "Active in both sites."),
        ],
    ),
    "media-storage": (
        60,
        [
            (
                "erasure-coded",
                [*PG_OBJ, *AY_OBJ, *AN_OBJ],
                0,
                "primary",
                "One copy cut into fragments over three sites; any one site may be lost.",
            ),
        ],
    ),
    "talk-channel": (
        60,
        [
            ("store", ["pg-chan-01", "pg-chan-02"], 0, "primary", None),
            ("ansan", ["an-chan-01"], 0, "replica", "Active in Pangyo and Ansan."),
            _gasan(),
        ],
    ),
    "mail-store": (
        60,
        [
            ("special-storage", ["pg-mail-02"], 0, "primary", None),
            ("ansan-replica", ["an-mail-02"], 5, "replica", None),
            _gasan(),
        ],
    ),
    "talk-mail": (
        60,
        [
            ("store", ["pg-tmail-01"], 0, "primary", None),
            ("ansan-replica", ["an-tmail-01"], 5, "replica", None),
            _gasan(),
        ],
    ),
    "drive": (
        DAY,
        [
            (
                "objects",
                [*PG_OBJ, *AY_OBJ, *AN_OBJ],
                0,
                "primary",
                "Kept in the three-site media storage.",
            ),
            _gasan(),
        ],
    ),
    "cafe": (
        DAY,
        [
            ("boards", ["pg-web-02"], 0, "primary", None),
            ("anyang-replica", ["ay-web-02"], 15, "replica", None),
            _gasan(),
        ],
    ),
}

# The last failover test of each service that can fail over, as it was: the plan's
# assumption (README.md). The record says no drill had ever assumed a whole data centre
# shut down; the component switch-overs are assumed tested within the year, except the
# payments switch to another site, which had never been tested (in 2022 Kakao Pay's
# attempt to move to another data centre failed).
TESTED_BEFORE = date(2022, 6, 18)
NEVER_TESTED_BEFORE = frozenset({"payments"})
# After the fixes: every failover, payments included, rehearsed in the quarterly drill.
TESTED_AFTER = date(2024, 9, 21)


def _apply_data(specs: list[Spec], after: bool) -> None:
    table = {**DATA_BEFORE, **DATA_AFTER} if after else DATA_BEFORE
    for spec in specs:
        if spec.id in table:
            spec.rpo, copies = table[spec.id]
            spec.data = [(c, list(on), lag, kind, notes) for c, on, lag, kind, notes in copies]
        if after:
            spec.tested_on = TESTED_AFTER
        else:
            spec.tested_on = None if spec.id in NEVER_TESTED_BEFORE else TESTED_BEFORE


def _copies(copies: Sequence[CopySpec]) -> list[DataCopy]:
    return [
        DataCopy(copy_id, list(on), lag_minutes=lag, kind=kind, notes=notes)  # type: ignore[arg-type]
        for copy_id, on, lag, kind, notes in copies
    ]


# ------------------------------------------------------------------ scenarios

HOUR = 60

# The replay of 15 October 2022 (README.md): T+0 is 15:19, when the battery caught fire.
FIRE_RETURNS: dict[str, int] = {
    "pangyo-power-a": 23 * HOUR,  # 14:19 on the 16th
    "pangyo-power-b": 30 * HOUR,  # 21:19 on the 16th
    "pangyo-power-c": 86 * HOUR,  # 05:19 on the 19th (SK C&C: 100 % at about 05:00)
}
FIRE_DECLARED_AFTER = 40  # the operator learned of the fire about 40 minutes in

# id, name, failed, notes; the fire also has returns and a declaration delay
SCENARIOS: list[tuple[str, str, list[str], str]] = [
    (
        "pangyo-fire",
        "판교 데이터센터 화재 / Pangyo data centre fire",
        list(FIRE_RETURNS),
        "15 October 2022, 15:19: a lithium-ion battery catches fire in the basement UPS room. "
        "Power to the servers is cut, then to the whole building so that water can be used. "
        "Power comes back feed by feed: PG-A03 after 23 hours, PG-A04 after 30, the "
        "operations and messaging hall after 86. The on-call team declares the disaster "
        "40 minutes in; every failover is switched by hand.",
    ),
    (
        "anyang-power",
        "안양 정전 / Anyang power loss",
        ["anyang"],
        "Utility power and the generators fail at Anyang; every server there is down.",
    ),
    (
        "rack-pg-a03",
        "PG-A03 랙 전원 장애 / PG-A03 rack power loss",
        ["pg-a03"],
        "Both PDUs of one Pangyo rack fail: accounts, login, payments and the session cache.",
    ),
    (
        "pangyo-lost",
        "판교 영구 손실 / Pangyo lost for good",
        ["pangyo"],
        "What 2022 was not: the same building, but nothing in it ever comes back (a fire "
        "that reaches the server halls). Every copy kept only in Pangyo is destroyed; "
        "declared after 40 minutes, as in the replay.",
    ),
]

# The date each scenario is judged on, for the age of failover tests: the day of the fire
# for the plan as it was; for the plan after the fixes, the same day two years on (the
# plan's assumption: Ansan and the rehearsed promotions exist by then).
AS_OF_BEFORE = date(2022, 10, 15)
AS_OF_AFTER = date(2024, 10, 15)

# ------------------------------------------------------------------ assembly


def _servers(after: bool) -> dict[str, list[tuple[str, str, int]]]:
    racks: dict[str, list[tuple[str, str, int]]] = {r: list(s) for r, s in BEFORE_SERVERS.items()}
    if after:
        for rack_id, extra in AFTER_SERVERS.items():
            racks.setdefault(rack_id, []).extend(extra)
    return racks


def _layout(services: Iterable[Spec]) -> dict[str, tuple[int, int]]:
    """Columns by dependency depth, rows in plan order: a readable default graph."""
    specs = {s.id: s for s in services}
    depth: dict[str, int] = {}

    def level(service_id: str) -> int:
        if service_id not in depth:
            deps = specs[service_id].depends_on
            depth[service_id] = 1 + max((level(d) for d in deps), default=-1)
        return depth[service_id]

    rows: dict[int, int] = {}
    places: dict[str, tuple[int, int]] = {}
    for service_id in specs:
        column = level(service_id)
        row = rows.get(column, 0)
        rows[column] = row + 1
        places[service_id] = (40 + 240 * column, 40 + 90 * row)
    return places


def build_plan(after: bool = False) -> Plan:
    """The example plan: ``pangyo`` (as it was) or ``pangyo-after`` (after the fixes)."""
    site_ids = ["pangyo", "anyang", "gasan", *(["ansan"] if after else [])]
    width, height = SITE_SIZE
    plan = Plan(
        name=(
            "하늘톡 / HaneulTalk — after the fixes (three active sites)"
            if after
            else "하늘톡 / HaneulTalk — before the fixes (October 2022)"
        ),
        notes=_plan_notes(after),
    )
    for site_id in site_ids:
        name, color, notes = SITES[site_id]
        x, y = SITE_BOXES[site_id]
        plan.sites.append(
            Site(site_id, name, x=x, y=y, width=width, height=height, color=color, notes=notes)
        )
    plan.domains = [
        Domain(domain_id, name, "power", site="pangyo", notes=notes)
        for domain_id, (name, notes) in DOMAINS.items()
    ]
    servers = _servers(after)
    column: dict[str, int] = {}
    for rack_id, (site_id, name, rack_notes) in RACKS.items():
        if site_id not in site_ids:
            continue
        index = column.get(site_id, 0)
        column[site_id] = index + 1
        x, y = SITE_BOXES[site_id]
        domains = [POWER_OF_RACK[rack_id]] if rack_id in POWER_OF_RACK else []
        plan.racks.append(
            Rack(
                rack_id,
                site_id,
                name,
                domains=domains,
                x=x + 30 + 150 * index,
                y=y + 70,
                notes=rack_notes,
            )
        )
        position = 1
        for server_id, role, units in servers[rack_id]:
            plan.servers.append(
                Server(
                    server_id,
                    rack_id,
                    f"{server_id} ({role})",
                    position,
                    units,
                    notes=SERVER_NOTES.get(server_id),
                )
            )
            position += units
    plan.pools = [Pool(p, name, capacity, notes=notes) for p, name, capacity, notes in POOLS]
    specs = _specs_before()
    if after:
        specs = _apply_fixes(specs)
    _apply_data(specs, after)
    places = _layout(specs)
    for spec in specs:
        team, owner, color = TEAMS[spec.team]
        x, y = places[spec.id]
        plan.services.append(
            Service(
                id=spec.id,
                name=spec.name,
                tier=spec.tier,
                rto_minutes=spec.rto,
                restore_minutes=spec.restore,
                failover_minutes=spec.failover,
                automatic_failover=spec.automatic,
                restart_minutes=spec.restart,
                restart_needs=None if spec.restart_needs is None else dict(spec.restart_needs),
                servers=list(spec.servers),
                standby_servers=list(spec.standby),
                min_instances=spec.min_instances,
                needs=dict(spec.needs),
                rpo_minutes=spec.rpo,
                data=_copies(spec.data),
                failover_tested_on=spec.tested_on if spec.failover is not None else None,
                recovery_tooling=spec.id in RECOVERY_TOOLING,
                depends_on=list(spec.depends_on),
                owner=owner,
                team=team,
                notes=spec.notes,
                steps=list(spec.steps),
                color=color,
                x=x,
                y=y,
            )
        )
    plan.scenarios = []
    for scenario_id, name, failed, notes in SCENARIOS:
        scenario = Scenario(scenario_id, name, list(failed), notes=notes)
        scenario.as_of = AS_OF_AFTER if after else AS_OF_BEFORE
        if scenario_id == "pangyo-fire":
            scenario.returns = dict(FIRE_RETURNS)
            scenario.declared_after_minutes = FIRE_DECLARED_AFTER
        elif scenario_id == "pangyo-lost":
            scenario.declared_after_minutes = FIRE_DECLARED_AFTER
        plan.scenarios.append(scenario)
    return plan


def _plan_notes(after: bool) -> str:
    if after:
        return (
            "Fictional company. The same plan after the fixes announced in December 2022: "
            "a new owned data centre in Ansan, and the operations tooling, configuration, "
            "session cache and storage active in three sites. A Pangyo fire now costs "
            "minutes to a few hours, and losing Pangyo for good loses no data. Compare with "
            "pangyo.drplan; assumptions in resources/examples/README.md."
        )
    return (
        "Fictional company modelled on the October 2022 Pangyo data-centre fire. Standbys "
        "exist in Anyang for most services, but the console that promotes them, deployment "
        "and monitoring live only in Pangyo, and so do the media object storage, the login "
        "session cache, both mail systems, the business channels and the chat drawer. "
        "Pangyo's racks hang off three power feeds that come back 23, 30 and 86 hours "
        "after the fire. The media objects have no copy outside Pangyo: unavailable in "
        "the fire, lost in 'Pangyo lost for good'. The fire scenario replays 2022: compare with "
        "resources/examples/pangyo-2022-milestones.json; assumptions in "
        "resources/examples/README.md."
    )


def build_all() -> dict[str, Plan]:
    """Both example plans by file stem."""
    before, after = OUTPUTS
    return {before: build_plan(after=False), after: build_plan(after=True)}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else HERE
    out.mkdir(parents=True, exist_ok=True)
    for stem, plan in build_all().items():
        for suffix in (".json", ".drplan"):
            save_plan(plan, out / f"{stem}{suffix}")
            print(out / f"{stem}{suffix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
