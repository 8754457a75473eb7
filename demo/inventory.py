"""The unit inventory (销控表): two buildings of 30 units, priced like a 2026 second-tier city.

Building 1 has the smaller flats; building 2 faces the park and asks more per m². Within a
building the price rises with the floor to the 12th, the top floor costs less (heat, the roof)
and the first floor too (noise); the "01" rooms are through-ventilated (南北通透) and cost more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from demo.office import Office, Step
from demo.staff import MANAGER
from orders.services import UnitInput, unit_create

FLOORS = range(2, 17)
TOP_FLOOR = FLOORS[-1]
BUILDINGS = {
    # building: (yuan per m² on the 3rd floor, {room column: (layout, area in m²)})
    "1": (16_800, {"01": ("三室两厅两卫", "126.85"), "02": ("两室两厅一卫", "89.32")}),
    "2": (18_600, {"01": ("四室两厅两卫", "143.60"), "02": ("三室两厅两卫", "118.40")}),
}
THROUGH_VENTILATED = 400
PER_FLOOR = 150
TOP_FLOOR_DISCOUNT = 500
LOW_FLOOR_DISCOUNT = 300


@dataclass(frozen=True)
class UnitStep(Step):
    building: str
    room: str
    layout: str
    area: Decimal
    list_price: Decimal

    def apply(self, office: Office) -> None:
        unit_create(
            project=office.project,
            data=UnitInput(
                building=self.building,
                unit="1",
                room=self.room,
                layout=self.layout,
                area=self.area,
                list_price=self.list_price,
            ),
            acting_user=office.user(MANAGER),
        )


def price_per_m2(building: str, floor: int, column: str) -> int:
    base = BUILDINGS[building][0]
    premium = PER_FLOOR * (min(floor, 12) - 3)
    if floor == TOP_FLOOR:
        premium -= TOP_FLOOR_DISCOUNT
    if floor == FLOORS[0]:
        premium = -LOW_FLOOR_DISCOUNT
    return base + premium + (THROUGH_VENTILATED if column == "01" else 0)


def list_price(area: Decimal, per_m2: int) -> Decimal:
    """Rounded to the hundred yuan, as price lists are printed."""
    return (area * per_m2 / 100).quantize(Decimal(1)) * 100 + Decimal("0.00")


def plan_units(loaded_at: datetime) -> list[UnitStep]:
    """The manager loads the price list the day the office opens, a unit a few seconds apart."""
    steps = []
    for building, (_, columns) in BUILDINGS.items():
        for floor in FLOORS:
            for column, (layout, area) in columns.items():
                area_m2 = Decimal(area)
                steps.append(
                    UnitStep(
                        entered_at=loaded_at + timedelta(seconds=5 * len(steps)),
                        building=building,
                        room=f"{floor}{column}",
                        layout=layout,
                        area=area_m2,
                        list_price=list_price(area_m2, price_per_m2(building, floor, column)),
                    )
                )
    return steps
