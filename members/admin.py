"""Back office for who is who: organisations, organs, people, their assignments, and the
membership of organisations in the förbund.

Every admin is based on ``SimpleHistoryAdmin`` so its history page shows who changed what, and
every changelist selects what its columns and ``__str__`` touch (tests/test_admin.py counts).
"""

from django import forms
from django.contrib import admin

from insjoriket.history_admin import HistoryAdmin
from members import services
from members.models import (
    Assignment,
    Contribution,
    Membership,
    MembershipEvent,
    Organ,
    Organisation,
    Person,
)


class OrganListFilter(admin.RelatedFieldListFilter):
    """The organ filter of a changelist. Django's own loads the organs and then each one's
    organisation for its label (``Organ.__str__``); this loads them in one query."""

    def field_choices(self, field, request, model_admin):
        return [(organ.pk, str(organ)) for organ in Organ.objects.select_related("organisation")]


class SelectRelatedInline(admin.TabularInline):
    """An inline whose rows are printed with ``__str__``: ``select_related`` names what that
    touches, so it is loaded with the rows rather than once per row."""

    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)


class OrganInline(admin.TabularInline):
    model = Organ
    fields = ["name", "code", "kind", "parent"]
    autocomplete_fields = ["parent"]
    show_change_link = True
    extra = 0


class AssignmentInline(SelectRelatedInline):
    model = Assignment
    select_related = ("person",)
    fields = ["person", "role", "party", "represents", "start_on", "end_on", "note"]
    autocomplete_fields = ["person", "represents"]
    extra = 0


class MembershipEventFormSet(forms.BaseInlineFormSet):
    """The events of a membership as the page would store them, with the membership as its
    form says (``may_leave`` included): an impossible one is refused (RULES.md 34, 36) and
    nothing of the page is saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        events = []
        for i, form in enumerate(self.forms):
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            events.append((str(form.instance.pk or f"new-{i}"), form.instance))
        services.check_membership(self.instance, events)


class MembershipEventForm(forms.ModelForm):
    """One event on its own page: refused when impossible with the membership's other
    events (RULES.md 34, 36)."""

    class Meta:
        model = MembershipEvent
        fields = ["membership", "kind", "occurred_on", "occurred_not_after", "decision", "note"]

    def _post_clean(self):
        super()._post_clean()
        event = self.instance
        if self.errors or event.membership_id is None:
            return
        membership = event.membership
        others = services.stored_events(membership, exclude_pk=event.pk)
        try:
            services.check_membership(membership, [*others, (str(event.pk or "new"), event)])
        except forms.ValidationError as exc:
            self.add_error(None, exc)


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    formset = MembershipEventFormSet
    fields = ["kind", "occurred_on", "occurred_not_after", "decision", "note"]
    autocomplete_fields = ["decision"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind", "org_number", "seat"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "org_number"]
    inlines = [OrganInline]


@admin.register(Organ)
class OrganAdmin(HistoryAdmin):
    list_display = ["name", "code", "kind", "organisation", "parent"]
    list_select_related = ["organisation", "parent__organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "code", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation", "parent"]
    inlines = [AssignmentInline]


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "party", "key"]
    list_filter = ["party"]
    search_fields = ["name", "key", "party"]
    prepopulated_fields = {"key": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Assignment)
class AssignmentAdmin(HistoryAdmin):
    list_display = ["person", "role", "organ", "party", "represents", "start_on", "end_on"]
    list_select_related = ["person", "organ__organisation", "represents"]
    list_filter = ["role", ("organ", OrganListFilter)]
    search_fields = ["person__name", "organ__name", "organ__code", "party"]
    autocomplete_fields = ["person", "organ", "represents"]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["member", "federation", "joined_on", "notice_years", "may_leave"]
    list_select_related = ["member", "federation"]
    list_filter = ["may_leave", "federation"]
    search_fields = ["member__name", "member__short_name", "federation__name"]
    autocomplete_fields = ["federation", "member"]
    inlines = [MembershipEventInline]


@admin.register(MembershipEvent)
class MembershipEventAdmin(HistoryAdmin):
    form = MembershipEventForm
    list_display = ["membership", "kind", "occurred_on", "occurred_not_after", "decision"]
    list_select_related = [
        "membership__member",
        "membership__federation",
        "decision__organ",
    ]
    list_filter = ["kind"]
    search_fields = ["membership__member__name", "note"]
    autocomplete_fields = ["membership", "decision"]


@admin.register(Contribution)
class ContributionAdmin(HistoryAdmin):
    list_display = ["payer_label", "year", "amount", "population", "federation", "payer"]
    list_select_related = ["federation", "payer"]
    list_filter = ["year", "federation"]
    search_fields = ["payer_label", "payer__name", "source"]
    autocomplete_fields = ["federation", "payer"]
