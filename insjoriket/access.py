"""Who may see and do what, for the whole register: the roles and their permissions, and the
questions every page and API asks of a user (may read secrets, may register, may see
unjusterade §§). The apps import this module; it imports none of them, so the rules about
records (``CaseQuerySet.visible_to``, ``DecisionQuerySet.visible_to``) live on their models and
ask these questions.

Secret cases and handlingar stay in the register (the dnr and date are public), but users
without access see only the number, the date and the public title (OSL 5 kap. 2 §; rule 21).
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

SECRET_CODENAME = "view_secret_case"
SECRET_PERMISSION = f"cases.{SECRET_CODENAME}"
SECRET_PERMISSION_NAME = "Kan se sekretessmarkerade ärenden och handlingar"

REGISTRATOR = "registrator"
SECRETARY = "sekreterare"
ELECTED = "förtroendevald"
ADMINISTRATOR = "administratör"

_VIEW = ("view",)
_WRITE = ("add", "change", "view")

# Role → {app_label: {model: actions}}. Nothing is ever deleted from the register (rule 23):
# no role gets a delete permission on registered data, and users are deactivated, not deleted.
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    REGISTRATOR: {
        "cases": {
            "case": _WRITE,
            "document": _WRITE,
            "caselink": _WRITE,
            "documentrequest": _WRITE,
            "disclosuredecision": _WRITE,
            "classification": _VIEW,
            "classificationscheme": _VIEW,
            "register": _VIEW,
        },
        "decisions": {"meeting": _VIEW, "decision": _VIEW},
        "members": {"organisation": _VIEW, "organ": _VIEW},
    },
    SECRETARY: {
        # The sekreterare files a protokoll's handlingar in the case (add_document).
        "cases": {
            "case": _VIEW,
            "document": ("add", "view"),
            "register": _VIEW,
            "classification": _VIEW,
        },
        "decisions": {
            model: _WRITE
            for model in (
                "meeting",
                "attendance",
                "decision",
                "participation",
                "motion",
                "vote",
                "ballot",
                "reservation",
                "recusal",
                "decisionlink",
                "correction",
                "appeal",
            )
        },
        "members": {"organisation": _VIEW, "organ": _VIEW, "person": _VIEW},
    },
    ELECTED: {
        "cases": {"case": _VIEW, "document": _VIEW, "register": _VIEW, "classification": _VIEW},
        "decisions": {"meeting": _VIEW, "decision": _VIEW},
        "members": {"organisation": _VIEW, "organ": _VIEW, "person": _VIEW},
    },
}
# The administratör gets every add/change/view permission of the three apps and of users.
ADMINISTRATOR_APPS = ("cases", "decisions", "members")
ROLES_WITH_SECRET_ACCESS = (REGISTRATOR, ADMINISTRATOR)


def secret_permission() -> Permission:
    content_type, _created = ContentType.objects.get_or_create(app_label="cases", model="case")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=SECRET_CODENAME,
        defaults={"name": SECRET_PERMISSION_NAME},
    )
    return permission


@transaction.atomic
def setup_roles() -> dict[str, int]:
    """Create or update the four groups and their permissions; safe to run again. Returns the
    number of permissions per group."""
    secret = secret_permission()
    result = {}
    for role, apps in ROLE_PERMISSIONS.items():
        codes = Q(pk__in=[])
        for app_label, models_ in apps.items():
            for model, actions in models_.items():
                codes |= Q(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
        result[role] = _set_group(role, Permission.objects.filter(codes), secret=secret)
    admin_perms = Permission.objects.filter(
        Q(content_type__app_label__in=ADMINISTRATOR_APPS)
        | Q(content_type__app_label="auth", content_type__model__in=["user", "group"])
    ).exclude(codename__startswith="delete_")
    result[ADMINISTRATOR] = _set_group(ADMINISTRATOR, admin_perms, secret=secret)
    return result


def _set_group(name: str, permissions, *, secret: Permission) -> int:
    group, _created = Group.objects.get_or_create(name=name)
    wanted = set(permissions)
    if name in ROLES_WITH_SECRET_ACCESS:
        wanted.add(secret)
    group.permissions.set(wanted)
    return len(wanted)


def can_see_secret(user) -> bool:
    """May ``user`` read secret cases and handlingar (rule 21)?"""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(SECRET_PERMISSION)
    )


def can_register(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("cases.add_case"))


def can_read_documents(user) -> bool:
    """Files of handlingar are served to logged-in users with the view permission only."""
    return bool(user and user.is_authenticated and user.has_perm("cases.view_document"))


def can_see_unapproved_decisions(user) -> bool:
    """Anonymous visitors see only justerade §§; members and staff see drafts too."""
    return bool(user and user.is_authenticated and user.has_perm("decisions.view_decision"))


def requires_permission(perm: str):
    """A view decorator: anonymous visitors go to the login page; logged-in users without
    ``perm`` get 403."""

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator
