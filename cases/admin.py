"""Back office for the diarium: registers, ärenden and their handlingar."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    Case,
    CaseLink,
    Classification,
    ClassificationScheme,
    Document,
    Register,
    RegisterCounter,
    normalise_number,
)
from members.admin import SelectRelatedInline

SECRECY_FIELDSET = (
    _("Sekretess"),
    {
        "fields": [
            "is_secret",
            "secrecy_ground",
            "secrecy_marked_on",
            "secrecy_marked_by",
            "public_title",
        ]
    },
)


class DocumentInline(admin.TabularInline):
    """The handlingar of a case; secrecy is marked on the handling's own page."""

    model = Document
    fields = ["serial", "date", "direction", "counterpart", "description", "file", "is_secret"]
    readonly_fields = ["is_secret"]
    show_change_link = True
    extra = 0


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
class ClassificationSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "version"]
    search_fields = ["name", "version"]


@admin.register(Classification)
class ClassificationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "scheme"]
    list_select_related = ["scheme"]
    list_filter = ["scheme"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["scheme"]


@admin.register(Register)
class RegisterAdmin(SimpleHistoryAdmin):
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
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "status", "register", "classification", "officer"]
    list_display_links = ["number", "title"]
    list_select_related = ["register", "classification"]
    list_filter = ["status", "is_secret", "year", "register"]
    search_fields = ["number", "number_key", "title", "public_title", "officer"]
    autocomplete_fields = ["register", "classification"]
    readonly_fields = ["number_key"]
    fieldsets = [
        (_("Diarienummer"), {"fields": ["register", "year", "serial", "number", "number_key"]}),
        (
            None,
            {"fields": ["title", "classification", "officer", "status", "opened_on", "closed_on"]},
        ),
        SECRECY_FIELDSET,
    ]
    inlines = [DocumentInline, CaseLinkOutInline, CaseLinkInInline]

    def get_search_results(self, request, queryset, search_term):
        """Also find ``2023.509 KS`` when the clerk types ``2023-509ks`` or ``2023509 ks``."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = normalise_number(search_term)
        if key:
            found |= queryset.filter(number_key__contains=key)
        return found, may_have_duplicates


@admin.register(CaseLink)
class CaseLinkAdmin(SimpleHistoryAdmin):
    list_display = ["from_case", "to_case", "note"]
    list_select_related = ["from_case", "to_case"]
    search_fields = ["from_case__number", "to_case__number", "note"]
    autocomplete_fields = ["from_case", "to_case"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["number", "date", "direction", "description", "counterpart", "is_secret"]
    list_select_related = ["case"]
    list_filter = ["direction", "is_secret"]
    date_hierarchy = "date"
    search_fields = ["case__number", "case__number_key", "description", "counterpart"]
    autocomplete_fields = ["case"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "case",
                    "serial",
                    "date",
                    "direction",
                    "counterpart",
                    "description",
                    "author",
                    "text",
                    "file",
                ]
            },
        ),
        SECRECY_FIELDSET,
    ]

    @admin.display(description=_("handlingsnummer"), ordering="case__number")
    def number(self, document: Document) -> str:
        return document.number
