"""Back office for the diarium: registers, ärenden and their handlingar."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    ApiToken,
    Case,
    CaseLink,
    Classification,
    ClassificationScheme,
    DisclosureDecision,
    Document,
    DocumentRequest,
    Register,
    RegisterCounter,
    normalise_number,
)
from cases.services import add_document, close_case, register_case, reopen_case
from insjoriket.history_admin import HistoryAdmin, NoRevertOfRecords, ReadOnly
from members.admin import SelectRelatedInline

SECRECY_FIELDS = [
    "is_secret",
    "secrecy_ground",
    "secrecy_marked_on",
    "secrecy_marked_by",
    "public_title",
]
SECRECY_FIELDSET = (_("Sekretess"), {"fields": SECRECY_FIELDS})
# Files live outside the web root (MEDIA_URL is None): the admin's default file widget links
# to the file's URL and fails; a plain file input keeps the stored file when left empty.
FILE_WIDGET = {models.FileField: {"widget": forms.FileInput}}

# What a clerk gives when registering an ärende or a handling; the services number them.
CASE_REGISTRATION_FIELDS = ["register", "title", "classification", "officer", "opened_on"]
DOCUMENT_REGISTRATION_FIELDS = [
    "case",
    "date",
    "direction",
    "counterpart",
    "description",
    "author",
    "text",
    "file",
]


def _registration_data(form, names: list[str]) -> dict:
    data = {name: form.cleaned_data[name] for name in names}
    if "file" in data:
        data["file"] = data["file"] or None  # a cleared or empty upload is no file
    return data


class DocumentInline(admin.TabularInline):
    """The handlingar of a case. A new one gets the case's next löpnummer from
    ``add_document`` (rule 25, see ``CaseAdmin.save_formset``); secrecy is marked on the
    handling's own page, and a registered handling is never deleted here."""

    model = Document
    formfield_overrides = FILE_WIDGET
    fields = ["serial", "date", "direction", "counterpart", "description", "file", "is_secret"]
    readonly_fields = ["serial", "is_secret"]
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        is_closed = obj is not None and obj.status == Case.Status.CLOSED
        return super().has_add_permission(request, obj) and not is_closed


class CaseLinkOutInline(SelectRelatedInline):
    model = CaseLink
    fk_name = "from_case"
    select_related = ("to_case",)
    fields = ["to_case", "note"]
    autocomplete_fields = ["to_case"]
    verbose_name = _("koppling till ärende")
    verbose_name_plural = _("kopplingar till andra ärenden")
    extra = 0


class CaseLinkInInline(SelectRelatedInline):
    """Links made from the other case, shown here so a clerk sees both directions."""

    model = CaseLink
    fk_name = "to_case"
    select_related = ("from_case",)
    fields = ["from_case", "note"]
    readonly_fields = ["from_case", "note"]
    verbose_name = _("koppling från ärende")
    verbose_name_plural = _("kopplingar från andra ärenden")
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ClassificationScheme)
class ClassificationSchemeAdmin(HistoryAdmin):
    list_display = ["name", "version"]
    search_fields = ["name", "version"]


@admin.register(Classification)
class ClassificationAdmin(HistoryAdmin):
    list_display = ["code", "title", "scheme"]
    list_select_related = ["scheme"]
    list_filter = ["scheme"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["scheme"]


@admin.register(Register)
class RegisterAdmin(HistoryAdmin):
    list_display = ["code", "name", "organisation", "organ", "number_format"]
    list_select_related = ["organisation", "organ__organisation"]
    list_filter = ["organisation"]
    search_fields = ["code", "name", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation", "organ"]


@admin.register(RegisterCounter)
class RegisterCounterAdmin(admin.ModelAdmin):
    """Read-only: the counters belong to the numbering service, which locks and advances them
    when it registers a case."""

    list_display = ["register", "year", "last_serial"]
    list_select_related = ["register"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    """A new ärende gets the next diarienummer of its register and year from ``register_case``
    (rule 24); after that the number and what it is made of cannot be changed here. Closing
    and reopening go through their services, as actions."""

    list_display = ["number", "title", "status", "register", "classification", "officer"]
    list_display_links = ["number", "title"]
    list_select_related = ["register", "classification"]
    list_filter = ["status", "is_secret", "year", "register"]
    search_fields = ["number", "number_key", "title", "public_title", "officer"]
    autocomplete_fields = ["register", "classification"]
    inlines = [DocumentInline, CaseLinkOutInline, CaseLinkInInline]
    actions = ["close_cases", "reopen_cases"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": CASE_REGISTRATION_FIELDS}), SECRECY_FIELDSET]
        return [
            (_("Diarienummer"), {"fields": ["number", "register", "year", "serial", "number_key"]}),
            (
                None,
                {
                    "fields": [
                        "title",
                        "classification",
                        "officer",
                        "status",
                        "opened_on",
                        "closed_on",
                    ]
                },
            ),
            SECRECY_FIELDSET,
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["number", "register", "year", "serial", "number_key", "status", "closed_on"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        case = register_case(
            user=request.user, **_registration_data(form, CASE_REGISTRATION_FIELDS)
        )
        # The inlines are saved against ``obj``: make it the registered case.
        obj.pk = case.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Document:
            return super().save_formset(request, form, formset, change)
        added = []
        for document in formset.save(commit=False):
            if document.pk:
                document.save()
                continue
            added.append(
                add_document(
                    case=form.instance,
                    user=request.user,
                    date=document.date,
                    direction=document.direction,
                    counterpart=document.counterpart,
                    description=document.description,
                    file=document.file.file if document.file else None,
                )
            )
        formset.new_objects = added  # what the admin's change message names

    def get_search_results(self, request, queryset, search_term):
        """Also find ``2023.509 KS`` when the clerk types ``2023-509ks`` or ``2023509 ks``."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = normalise_number(search_term)
        if key:
            found |= queryset.filter(number_key__contains=key)
        return found, may_have_duplicates

    @admin.action(description=_("Avsluta markerade ärenden"), permissions=["change"])
    def close_cases(self, request, queryset):
        done = self._each_through(request, queryset, close_case)
        message = ngettext("%(count)d ärende avslutades.", "%(count)d ärenden avslutades.", done)
        self.message_user(request, message % {"count": done})

    @admin.action(description=_("Återuppta markerade ärenden"), permissions=["change"])
    def reopen_cases(self, request, queryset):
        done = self._each_through(request, queryset, reopen_case)
        message = ngettext("%(count)d ärende återupptogs.", "%(count)d ärenden återupptogs.", done)
        self.message_user(request, message % {"count": done})

    def _each_through(self, request, queryset, service) -> int:
        """Runs ``service`` on each case, reports the cases it refuses, returns how many it
        did not."""
        done = 0
        for case in queryset:
            try:
                service(case=case, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{case.number}: {' '.join(error.messages)}", messages.WARNING
                )
            else:
                done += 1
        return done


@admin.register(CaseLink)
class CaseLinkAdmin(HistoryAdmin):
    list_display = ["from_case", "to_case", "note"]
    list_select_related = ["from_case", "to_case"]
    search_fields = ["from_case__number", "to_case__number", "note"]
    autocomplete_fields = ["from_case", "to_case"]


@admin.register(Document)
class DocumentAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    """A new handling gets the next löpnummer of its case from ``add_document`` (rule 25)."""

    formfield_overrides = FILE_WIDGET
    list_display = ["number", "date", "direction", "description", "counterpart", "is_secret"]
    list_select_related = ["case"]
    list_filter = ["direction", "is_secret"]
    date_hierarchy = "date"
    search_fields = ["case__number", "case__number_key", "description", "counterpart"]
    autocomplete_fields = ["case"]

    def get_fieldsets(self, request, obj=None):
        fields = DOCUMENT_REGISTRATION_FIELDS.copy()
        if obj is not None:
            fields.insert(1, "serial")
        return [(None, {"fields": fields}), SECRECY_FIELDSET]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["case", "serial"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = _registration_data(form, DOCUMENT_REGISTRATION_FIELDS + SECRECY_FIELDS)
        document = add_document(user=request.user, **data)
        obj.pk = document.pk
        obj.refresh_from_db()
        obj._state.adding = False

    @admin.display(description=_("handlingsnummer"), ordering="case__number")
    def number(self, document: Document) -> str:
        return document.number


@admin.register(ApiToken)
class ApiTokenAdmin(HistoryAdmin):
    """Tokens are issued by ``manage.py create_api_token``, which shows the token once; here
    they can only be revoked. The stored hash is never shown."""

    list_display = ["name", "created_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name"]
    fields = ["name", "created_at", "revoked"]
    readonly_fields = ["name", "created_at"]

    def has_add_permission(self, request):
        return False


# Begäran om allmän handling and its menprövning are written on the registrator's pages, whose
# services hold rule 42 (the OSL ground, once per handling): here only read.
@admin.register(DocumentRequest)
class DocumentRequestAdmin(ReadOnly, NoRevertOfRecords, SimpleHistoryAdmin):
    list_display = ["received_on", "case", "requester"]
    list_select_related = ["case"]
    date_hierarchy = "received_on"


@admin.register(DisclosureDecision)
class DisclosureDecisionAdmin(ReadOnly, NoRevertOfRecords, SimpleHistoryAdmin):
    list_display = ["document", "outcome", "ground", "decided_on", "decided_by"]
    list_filter = ["outcome"]
    list_select_related = ["document__case", "request"]
