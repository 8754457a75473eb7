"""The navigation each role sees, for the project being worked in (its items: navigation)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from projects.access import projects_of, role_of
from projects.models import Notification
from projects.navigation import nav_items
from projects.roles import Role

HOME_BY_ROLE = {
    Role.CONSULTANT: "desk",
    Role.CLERK: "sheet",
    Role.MANAGER: "dashboard",
    Role.CHANNEL: "channel-portal",
    Role.ENGINEERING: "tickets",
    Role.PROPERTY: "tickets",
    Role.FINANCE: "finance",
}


def home_url_for(user, project) -> str | None:
    """The first page of the user's role, or None while their role has no page yet."""
    name = HOME_BY_ROLE.get(role_of(user))
    return reverse(name, kwargs={"code": project.code}) if name else None


def current_project(request):
    # Set by a page whose URL names no project (the customer page) to the one it shows.
    chosen = getattr(request, "current_project", None)
    if chosen is not None:
        return chosen
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("code") if match else None
    projects = projects_of(request.user)
    if code:
        return projects.filter(code=code).first()
    return projects.first()


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def split_primary(items: list[dict], preferred) -> tuple[list[dict], list[dict]]:
    """The role's preferred pages (in NAV order), filled up to PRIMARY_COUNT; the rest."""
    names = [i["name"] for i in items]
    chosen = [n for n in (preferred or ()) if n in names][:PRIMARY_COUNT]
    chosen += [n for n in names if n not in chosen][: PRIMARY_COUNT - len(chosen)]
    return (
        [i for i in items if i["name"] in chosen],
        [i for i in items if i["name"] not in chosen],
    )


# The pages each role opens most stay in the bar; the rest go under "More" (1024 px wide).
PRIMARY_BY_ROLE = {
    Role.CONSULTANT: ("desk", "my-customers", "pool", "units"),
    Role.CLERK: ("sheet", "desk", "rotation", "channel-reports"),
    Role.MANAGER: ("dashboard", "desk", "disputes", "pool"),
    Role.FINANCE: ("finance", "certificates", "units", "tickets"),
}
PRIMARY_COUNT = 4


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    project = current_project(request)
    role = role_of(user)
    items = []
    for item in nav_items():
        if project is None or role not in item.roles:
            continue
        try:
            url = reverse(item.url_name, kwargs={"code": project.code})
        except NoReverseMatch:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
        items.append({"url": url, "label": item.label, "name": item.url_name})
    primary, more = split_primary(items, PRIMARY_BY_ROLE.get(role))
    return {
        "current_project": project,
        "nav_items": primary,
        "nav_more": more,
        "unread_notifications": unread_count(user),
        "user_role": role,
        "user_role_label": Role(role).label if role else "",
        "user_projects": projects_of(user),
    }
