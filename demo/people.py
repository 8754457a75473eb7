"""Believable people for the demo: Chinese names, distinct mobile numbers, ID-card numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# Common surnames first (they are drawn with decreasing weight).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = {
    "M": "伟强磊军勇杰涛明超刚平辉鹏华飞斌宇浩凯健俊帆旭宁龙林洋波峰亮鑫博文志国建成东海振",
    "F": "芳娜敏静丽艳娟霞秀玲燕婷雪慧莉琳颖倩洁萍红梅丹晶欣悦佳怡蕾璐瑶琪薇月玉兰凤春云",
}
MOBILE_PREFIXES = tuple(
    f"1{n}" for n in (30, 31, 32, 33, 35, 36, 37, 38, 39, 50, 51, 52, 55, 56, 57, 58, 59)
) + tuple(f"1{n}" for n in (66, 77, 78, 80, 81, 82, 83, 85, 86, 87, 88, 89, 91, 98, 99))
# Where the buyers' ID cards were issued: mostly the city's districts, a few from elsewhere.
ID_AREAS = ("130302", "130302", "130303", "130304", "130306", "130322", "110105", "130102")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Person:
    name: str
    gender: str
    phone: str

    @property
    def surname(self) -> str:
        return self.name[0]


class People:
    """Chinese names and distinct mobile numbers (1[3-9] + 9 digits)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.weights = [1 / (rank + 4) for rank in range(len(SURNAMES))]

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def person(self, gender: str | None = None, surname: str | None = None) -> Person:
        gender = gender or self.rng.choice("MF")
        surname = surname or self.rng.choices(SURNAMES, weights=self.weights)[0]
        length = 1 if self.rng.random() < 0.35 else 2
        given = "".join(self.rng.choice(GIVEN[gender]) for _ in range(length))
        return Person(surname + given, gender, self.phone())


def id_number(rng: random.Random, gender: str, born: date) -> str:
    """An 18-character resident ID: area, birth date, a sequence whose last digit is odd for a
    man and even for a woman, and the ISO 7064 check character the review desk would verify."""
    sequence = rng.randrange(50) * 2 + (1 if gender == "M" else 0)
    body = f"{rng.choice(ID_AREAS)}{born:%Y%m%d}{rng.randrange(10)}{sequence:02d}"
    check = ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def birth_date(rng: random.Random, today: date) -> date:
    """First-time and upgrading buyers: 26 to 55 years old."""
    return today - timedelta(days=rng.randint(26 * 365, 55 * 365))
