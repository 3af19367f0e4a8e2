"""Who may see and do what in the diarium: the roles, secrecy (OSL, rules 21–22) and the
QuerySets the pages read through.

Secret cases and handlingar stay in the register (the dnr and date are public), but users
without access see only the number, the date and the public title (rule 21), and secret
records never match a word search, a snippet or the API for them.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseLink, Document

SECRET_CODENAME = "view_secret_case"
SECRET_PERMISSION = f"cases.{SECRET_CODENAME}"
SECRET_PERMISSION_NAME = "Kan se sekretessmarkerade ärenden och handlingar"

MASKED_CASE_TITLE = _("Sekretessbelagt ärende")
MASKED_DOCUMENT_TITLE = _("Sekretessbelagd handling")

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
    content_type = ContentType.objects.get_for_model(Case)
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


def case_title_for(case: Case, *, may_see_secret: bool) -> str:
    if case.is_secret and not may_see_secret:
        return case.public_title or str(MASKED_CASE_TITLE)
    return case.title


def document_is_hidden(document: Document, *, may_see_secret: bool) -> bool:
    return (document.is_secret or document.case.is_secret) and not may_see_secret


def document_title_for(document: Document, *, may_see_secret: bool) -> str:
    if document_is_hidden(document, may_see_secret=may_see_secret):
        return document.public_title or str(MASKED_DOCUMENT_TITLE)
    return document.description


class CaseQuerySet(models.QuerySet):
    """Reads of the diarium pages. Used as ``cases()`` below until ``Case.objects`` becomes
    ``CaseQuerySet.as_manager()`` (a model change left to the models' owner)."""

    def visible_to(self, user) -> "CaseQuerySet":
        """Cases whose content ``user`` may read: secret ones only with access."""
        if can_see_secret(user):
            return self
        return self.filter(is_secret=False)

    def for_list_page(self) -> "CaseQuerySet":
        """The case list: register and classification for each row, nothing per row."""
        return self.select_related("register", "classification", "classification__scheme")

    def for_case_page(self, user) -> "CaseQuerySet":
        """The case page: register, classification, handlingar, linked cases both ways, and
        the §§ taken in the case (only justerade ones for visitors)."""
        from decisions.models import Decision, justerad_q

        decisions = Decision.objects.select_related("organ", "meeting").order_by(
            "meeting__held_on", "number"
        )
        if not can_see_unapproved_decisions(user):
            decisions = decisions.filter(
                justerad_q("meeting__") | Q(approved_immediately=True)  # omedelbart: rule 7
            )
        return self.select_related(
            "register", "classification", "classification__scheme"
        ).prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("serial")),
            Prefetch(
                "links_out",
                queryset=CaseLink.objects.select_related("to_case", "to_case__register"),
            ),
            Prefetch(
                "links_in",
                queryset=CaseLink.objects.select_related("from_case", "from_case__register"),
            ),
            Prefetch("decisions", queryset=decisions),
        )


def cases() -> CaseQuerySet:
    return CaseQuerySet(model=Case)
