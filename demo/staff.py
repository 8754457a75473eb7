"""The demo office's people: one account per role of DOMAIN.md §1, all with one password."""

from __future__ import annotations

from dataclasses import dataclass

PASSWORD = "demo12345"


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    name: str
    channel_name: str = ""


ADMIN = Login("superuser", "admin", "系统管理员")
STAFF = (
    Login("manager", "zhangjian", "张建"),
    Login("consultant", "wangfang", "王芳"),
    Login("consultant", "liqiang", "李强"),
    Login("consultant", "zhaomin", "赵敏"),
    Login("consultant", "chenhao", "陈浩"),
    Login("consultant", "yangxue", "杨雪"),
    Login("consultant", "huangwei", "黄伟"),
    Login("clerk", "linjing", "林静"),
    Login("clerk", "xuli", "徐丽"),
    Login("finance", "liuyan", "刘燕"),
    Login("channel", "zhoupeng", "周鹏", channel_name="安居房产经纪"),
    # The after-sales queues: without them a defect's ticket would wait for nobody.
    Login("engineering", "sunjun", "孙军"),
    Login("property", "guoting", "郭婷"),
)
TITLES = {
    "superuser": "系统管理员",
    "manager": "销售经理",
    "consultant": "置业顾问",
    "clerk": "内业",
    "finance": "财务",
    "channel": "渠道经纪人",
    "engineering": "工程部",
    "property": "物业",
}


def usernames(role: str) -> tuple[str, ...]:
    return tuple(s.username for s in STAFF if s.role == role)


CONSULTANTS = usernames("consultant")
CLERKS = usernames("clerk")
MANAGER = usernames("manager")[0]
FINANCE = usernames("finance")[0]
AGENT = usernames("channel")[0]
CHANNEL_NAME = next(s.channel_name for s in STAFF if s.role == "channel")
ENGINEER = usernames("engineering")[0]
PROPERTY = usernames("property")[0]
NAMES = {s.username: s.name for s in STAFF}
