"""The reports by name, and who reads each (checked by the views and the API):

- the day's visit and call sheet (来人来电表) and visits by source: clerks and managers, since
  the daily sheets are theirs (DOMAIN.md §11) and hold no money;
- consultants' daily reports (业务日报表) and the funnel: managers, who judge the consultants;
- sales and collections, overdue payments (money): managers, and finance, who chase payments;
- consultants: none. Exports: managers only, logged (projects/exports.py).
"""

from __future__ import annotations

from projects.access import has_role
from projects.roles import Role

SHEET, DAILY, SOURCES, FUNNEL, SALES, OVERDUE = (
    "visits-calls",
    "daily",
    "sources",
    "funnel",
    "sales",
    "overdue",
)
REPORT_ROLES: dict[str, tuple[str, ...]] = {
    SHEET: (Role.CLERK, Role.MANAGER),
    SOURCES: (Role.CLERK, Role.MANAGER),
    DAILY: (Role.MANAGER,),
    FUNNEL: (Role.MANAGER,),
    SALES: (Role.MANAGER, Role.FINANCE),
    OVERDUE: (Role.MANAGER, Role.FINANCE),
}
# Every role that reads at least one report (the navigation's and the index page's).
ANY_REPORT_ROLES = (Role.CLERK, Role.MANAGER, Role.FINANCE)


def may_read(user, report: str) -> bool:
    return user.is_superuser or has_role(user, *REPORT_ROLES[report])
