"""Back office for what was decided: sammanträden, their §§ and what belongs to a §."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from decisions.models import (
    Appeal,
    Attendance,
    Ballot,
    Correction,
    Decision,
    DecisionLink,
    Meeting,
    Motion,
    Participation,
    Recusal,
    Reservation,
    Vote,
)
from members.admin import OrganListFilter, SelectRelatedInline

NUMBER_TAKEN = _("Organet har redan en § med det numret det året.")


class DecisionForm(forms.ModelForm):
    """A § takes its organ and year from its meeting (``Decision.save``), so they are not on
    the form, and Django's unique check skips the § series; this form checks it instead of
    letting the database refuse it with an error page."""

    def clean(self):
        cleaned = super().clean()
        meeting, number = cleaned.get("meeting"), cleaned.get("number")
        if meeting and number:
            # A meeting added on the same page has no year yet: Meeting.save() derives it.
            year = meeting.year or (meeting.held_on.year if meeting.held_on else None)
            taken = Decision.objects.filter(
                organ_id=meeting.organ_id, year=year, number=number
            ).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("number", NUMBER_TAKEN)
        return cleaned


class DecisionInline(SelectRelatedInline):
    """The §§ of a meeting; the text of each is written on its own page."""

    model = Decision
    select_related = ("organ",)
    form = DecisionForm
    fields = ["number", "title", "kind", "case"]
    autocomplete_fields = ["case"]
    show_change_link = True
    extra = 0


class AttendanceInline(SelectRelatedInline):
    model = Attendance
    select_related = ("person",)
    fields = ["person", "role", "function", "party"]
    autocomplete_fields = ["person"]
    extra = 0


class MotionInline(admin.StackedInline):
    model = Motion
    fields = ["order", "mover", "supporters", "text"]
    autocomplete_fields = ["mover", "supporters"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mover")


class VoteInline(admin.StackedInline):
    """The ballots of a vote are entered on the vote's own page."""

    model = Vote
    fields = [
        "order",
        "question",
        ("yes_means", "no_means"),
        ("yes_count", "no_count", "abstain_count"),
        "appendix",
        "result",
    ]
    show_change_link = True
    extra = 0


class ParticipationInline(SelectRelatedInline):
    model = Participation
    select_related = ("person",)
    fields = ["person", "role", "function", "party"]
    autocomplete_fields = ["person"]
    extra = 0


class ReservationInline(SelectRelatedInline):
    model = Reservation
    select_related = ("person",)
    fields = ["order", "person", "motivation"]
    autocomplete_fields = ["person"]
    extra = 0


class RecusalInline(SelectRelatedInline):
    model = Recusal
    select_related = ("person",)
    fields = ["person", "ground"]
    autocomplete_fields = ["person"]
    extra = 0


class DecisionLinkInline(SelectRelatedInline):
    model = DecisionLink
    select_related = ("target__organ",)
    fk_name = "source"
    fields = ["kind", "target", "target_reference", "note"]
    autocomplete_fields = ["target"]
    verbose_name_plural = _("kopplingar till andra beslut")
    extra = 0


class BallotInline(SelectRelatedInline):
    model = Ballot
    select_related = ("person",)
    fields = ["order", "person", "choice", "role", "party"]
    autocomplete_fields = ["person"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["organ", "held_on", "place", "approved_on", "posted_on", "removed_on"]
    list_select_related = ["organ__organisation"]
    list_filter = [("organ", OrganListFilter), "year"]
    date_hierarchy = "held_on"
    search_fields = ["organ__name", "organ__code", "place", "date_note"]
    autocomplete_fields = ["organ", "chair", "approvers"]
    fieldsets = [
        (None, {"fields": ["organ", "held_on", "year", "date_note", "place"]}),
        (_("Protokoll"), {"fields": ["chair", "secretary", "minutes_kept_at"]}),
        (_("Justering"), {"fields": ["approvers", "approval_place", "approved_on"]}),
        (_("Anslag"), {"fields": ["posted_on", "removed_on"]}),
    ]
    inlines = [DecisionInline, AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "function", "meeting"]
    list_select_related = ["person", "meeting__organ"]
    list_filter = ["role"]
    search_fields = ["person__name", "meeting__organ__name"]
    autocomplete_fields = ["meeting", "person"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    form = DecisionForm
    list_display = ["organ", "year", "paragraph", "title", "kind", "case"]
    list_display_links = ["paragraph", "title"]
    list_select_related = ["organ__organisation", "case"]
    list_filter = ["kind", "year", "approved_immediately", ("organ", OrganListFilter)]
    search_fields = ["title", "case__number", "case__number_key", "organ__code", "organ__name"]
    autocomplete_fields = ["meeting", "case"]
    readonly_fields = ["organ", "year"]
    fieldsets = [
        (None, {"fields": ["meeting", "organ", "year", "number", "kind", "case", "title"]}),
        (
            _("Protokollstext"),
            {
                "fields": [
                    "description",
                    "preparation",
                    "procedure",
                    "decision_text",
                    "basis",
                    "sent_to",
                ]
            },
        ),
        (
            _("Justering och verkställighet"),
            {"fields": ["approved_immediately", "enforcement_stayed"]},
        ),
    ]
    inlines = [
        ParticipationInline,
        MotionInline,
        VoteInline,
        ReservationInline,
        RecusalInline,
        DecisionLinkInline,
    ]

    @admin.display(description=_("§"), ordering="number")
    def paragraph(self, decision: Decision) -> str:
        return decision.label


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "function", "decision"]
    list_select_related = ["person", "decision__organ"]
    list_filter = ["role"]
    search_fields = ["person__name", "decision__title"]
    autocomplete_fields = ["decision", "person"]


@admin.register(Motion)
class MotionAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "order", "mover", "text"]
    list_select_related = ["decision__organ", "mover"]
    search_fields = ["text", "mover__name", "decision__title"]
    autocomplete_fields = ["decision", "mover", "supporters"]


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "order", "yes_count", "no_count", "abstain_count"]
    list_select_related = ["decision__organ"]
    search_fields = ["question", "decision__title", "decision__case__number"]
    autocomplete_fields = ["decision"]
    inlines = [BallotInline]


@admin.register(Ballot)
class BallotAdmin(SimpleHistoryAdmin):
    list_display = ["person", "choice", "party", "decision"]
    list_select_related = ["person", "vote__decision__organ"]
    list_filter = ["choice"]
    search_fields = ["person__name", "vote__decision__title"]
    autocomplete_fields = ["vote", "person"]

    @admin.display(description=_("§"))
    def decision(self, ballot: Ballot) -> Decision:
        return ballot.vote.decision


@admin.register(Reservation)
class ReservationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "decision", "motivation"]
    list_select_related = ["person", "decision__organ"]
    search_fields = ["person__name", "decision__title", "motivation"]
    autocomplete_fields = ["decision", "person"]


@admin.register(Recusal)
class RecusalAdmin(SimpleHistoryAdmin):
    list_display = ["person", "decision", "ground"]
    list_select_related = ["person", "decision__organ"]
    search_fields = ["person__name", "decision__title", "ground"]
    autocomplete_fields = ["decision", "person"]


@admin.register(DecisionLink)
class DecisionLinkAdmin(SimpleHistoryAdmin):
    list_display = ["source", "kind", "target", "target_reference"]
    list_select_related = ["source__organ", "target__organ"]
    list_filter = ["kind"]
    search_fields = ["source__title", "target__title", "target_reference", "note"]
    autocomplete_fields = ["source", "target"]


@admin.register(Appeal)
class AppealAdmin(SimpleHistoryAdmin):
    list_display = ["court_case_number", "court", "decision", "lodged_on", "outcome", "final"]
    list_select_related = ["decision__organ"]
    list_filter = ["outcome", "final"]
    search_fields = ["court", "court_case_number", "decision__title"]
    autocomplete_fields = ["decision"]


@admin.register(Correction)
class CorrectionAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "made_on", "made_by"]
    list_select_related = ["decision__organ"]
    search_fields = ["decision__title", "made_by", "what"]
    autocomplete_fields = ["decision"]
