"""Back office for what was decided: sammanträden, their §§ and what belongs to a §."""

import datetime as dt
from operator import attrgetter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from decisions import rules as date_rules
from decisions.chains import graph as chain_graph
from decisions.chains import rules as chain_rules
from decisions.meetings.services import (
    MEETING_DATE_UNKNOWN,
    NUMBER_OUT_OF_SERIES,
    NUMBER_TAKEN,
    POSTING_APPROVAL_DATE_UNKNOWN,
    POSTING_BEFORE_JUSTERING_DATE,
    POSTING_FIXED,
    REMOVAL_FIXED,
    REMOVAL_IN_FUTURE,
    REMOVAL_NOT_POSTED,
    REMOVAL_TOO_EARLY,
    add_decision,
    approve_immediately,
    next_decision_number,
)
from decisions.models import (
    JUSTERAT_MESSAGE,
    Appeal,
    Attendance,
    Ballot,
    Correction,
    Decision,
    DecisionLink,
    DecisionTask,
    Meeting,
    Motion,
    Participation,
    Recusal,
    Reservation,
    TaskReport,
    Vote,
)
from decisions.publishing import originals
from decisions.tasks import rules as task_rules
from decisions.tasks.services import REPORT_MESSAGES, TASK_MESSAGES
from insjoriket.history_admin import HistoryAdmin, NoRevertOfRecords
from members.admin import OrganListFilter, SelectRelatedInline

# What a justerad meeting still takes: the anslag is posted and taken down after justering.
ANSLAG_FIELDS = ["posted_on", "removed_on", "minutes_kept_at"]
# Written after the contents of a meeting (MeetingAdmin.save_related); the anslag needs the
# justering date (meeting_posted_after_approved).
JUSTERING_FIELDS = ["approved_on", "approved_date_unknown", "posted_on", "removed_on"]
TEXT_FIELDS = ["description", "preparation", "procedure", "decision_text", "basis", "sent_to"]


def is_locked(obj) -> bool:
    """Whether ``obj`` (a meeting, a § or a vote) is justerad, so that it and what belongs to
    it can no longer be changed, only corrected (rule 9)."""
    if isinstance(obj, Vote):
        obj = obj.decision
    if isinstance(obj, Decision):
        return obj.is_justerad
    if isinstance(obj, Meeting):
        return obj.is_approved  # also "justerat, datum okänt"
    return False


class LockedWhenApproved:
    """An inline of a § or a meeting: read-only once that is justerad (rule 9)."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not is_locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_locked(obj)


class ProtocolPartAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    """The admin of something recorded in a protocol: read-only once the meeting or § it
    belongs to (``protocol``, a field path) is justerad (rule 9), and never reverted then."""

    protocol = "decision"

    def revert_refused(self, obj) -> bool:
        return self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)

    def _locked(self, obj) -> bool:
        return obj is not None and is_locked(attrgetter(self.protocol.replace("__", "."))(obj))


class DecisionForm(forms.ModelForm):
    """A § takes its organ and year from its meeting and its number from the organ's yearly
    series (``add_decision``). The service checks the series again under a lock; this form
    checks it first so that the clerk gets a message, not an error page."""

    def clean(self):
        cleaned = super().clean()
        meeting, number = cleaned.get("meeting"), cleaned.get("number")
        if meeting is None:
            return cleaned
        # A meeting added on the same page has no year yet: Meeting.save() derives it.
        year = meeting.year or (meeting.held_on.year if meeting.held_on else None)
        if year is None and self.instance.pk is None:
            raise forms.ValidationError(MEETING_DATE_UNKNOWN)
        if number is None or number == self.initial.get("number"):
            return cleaned
        taken = Decision.objects.filter(organ_id=meeting.organ_id, year=year, number=number)
        expected = next_decision_number(organ=meeting.organ, year=year)
        if taken.exclude(pk=self.instance.pk).exists():
            self.add_error(
                "number", NUMBER_TAKEN.format(number=number, organ=meeting.organ.name, year=year)
            )
        elif self.instance.pk is None and number != expected:
            self.add_error("number", NUMBER_OUT_OF_SERIES.format(number=number, expected=expected))
        return cleaned


def _add_decision(request, *, meeting: Meeting, decision: Decision) -> Decision:
    """Register the unsaved ``decision`` from a form through ``add_decision``."""
    return add_decision(
        meeting=meeting,
        title=decision.title,
        number=decision.number,
        case=decision.case,
        kind=decision.kind,
        user=request.user,
        **{name: getattr(decision, name) for name in TEXT_FIELDS},
        enforcement_stayed=decision.enforcement_stayed,
    )


class DecisionInline(LockedWhenApproved, SelectRelatedInline):
    """The §§ of a meeting, numbered in order by ``add_decision`` (see
    ``MeetingAdmin.save_formset``); the text of each is written on its own page."""

    model = Decision
    select_related = ("organ",)
    form = DecisionForm
    fields = ["number", "title", "kind", "case"]
    readonly_fields = ["number"]
    autocomplete_fields = ["case"]
    show_change_link = True
    extra = 0


class AttendanceInline(LockedWhenApproved, SelectRelatedInline):
    model = Attendance
    select_related = ("person",)
    fields = ["person", "role", "function", "party"]
    autocomplete_fields = ["person"]
    extra = 0


class MotionInline(LockedWhenApproved, admin.StackedInline):
    model = Motion
    fields = ["order", "mover", "supporters", "text"]
    autocomplete_fields = ["mover", "supporters"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mover")


class VoteInline(LockedWhenApproved, admin.StackedInline):
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


class ParticipationInline(LockedWhenApproved, SelectRelatedInline):
    model = Participation
    select_related = ("person",)
    fields = ["person", "role", "function", "party"]
    autocomplete_fields = ["person"]
    extra = 0


class ReservationInline(LockedWhenApproved, SelectRelatedInline):
    model = Reservation
    select_related = ("person",)
    fields = ["order", "person", "motivation"]
    autocomplete_fields = ["person"]
    extra = 0


class RecusalInline(LockedWhenApproved, SelectRelatedInline):
    model = Recusal
    select_related = ("person",)
    fields = ["person", "ground"]
    autocomplete_fields = ["person"]
    extra = 0


class DecisionLinkForm(forms.ModelForm):
    """A link must keep the chain rules (chain_rules.check_link): no cycle, time running the right
    way, and competence to revoke, withdraw or amend; the message is the rule's own."""

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source") or (
            self.instance.source if self.instance.source_id else None
        )
        target, kind = cleaned.get("target"), cleaned.get("kind")
        if source is None or source.pk is None or target is None or not kind:
            return cleaned

        graph = chain_graph.load_graph(decision_ids=[source.pk, target.pk])
        source_node, target_node = graph.nodes.get(source.pk), graph.nodes.get(target.pk)
        if source_node is None or target_node is None:
            return cleaned
        others = [
            chain_rules.Link(row.source_id, row.target_id, row.kind)
            for row in graph.link_rows
            if row.target_id is not None and row.id != self.instance.pk
        ]
        errors = chain_rules.check_link(
            source=source_node, target=target_node, kind=kind, links=others, nodes=graph.nodes
        )
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class DecisionLinkInline(LockedWhenApproved, SelectRelatedInline):
    model = DecisionLink
    form = DecisionLinkForm
    select_related = ("target__organ",)
    fk_name = "source"
    fields = ["kind", "target", "target_reference", "note"]
    autocomplete_fields = ["target"]
    verbose_name_plural = _("kopplingar till andra beslut")
    extra = 0


class BallotInline(LockedWhenApproved, SelectRelatedInline):
    model = Ballot
    select_related = ("person",)
    fields = ["order", "person", "choice", "role", "party"]
    autocomplete_fields = ["person"]
    extra = 0


class MeetingForm(forms.ModelForm):
    """Once justerad only the anslag can be written (rule 9); it comes down no earlier than
    the day after the last appeal day (rule 5) and never in advance, as ``remove_posting``
    requires. Once set, the anslag dates are fixed (rule 39): compared with the stored row,
    not with the instance (which on a history page is an earlier version)."""

    def _posted_value(self, cleaned, name: str, stored_value):
        """What the request asks ``name`` to be: the cleaned value, or, for a field shown
        read-only (so not in the form), the raw value if one was sent anyway."""
        if name in self.fields:
            return cleaned.get(name, stored_value)
        if name not in self.data:
            return stored_value
        try:
            return forms.DateField(required=False).clean(self.data.get(name))
        except forms.ValidationError:
            return None

    def _check_fixed_anslag(self, cleaned) -> None:
        stored = Meeting.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if stored is None:
            return
        if stored.posted_on and self._posted_value(cleaned, "posted_on", stored.posted_on) != (
            stored.posted_on
        ):
            self.add_error(None, POSTING_FIXED.format(posted=stored.posted_on))
        if stored.removed_on and self._posted_value(cleaned, "removed_on", stored.removed_on) != (
            stored.removed_on
        ):
            self.add_error(None, REMOVAL_FIXED.format(removed=stored.removed_on))

    def clean(self):
        cleaned = super().clean()
        self._check_fixed_anslag(cleaned)
        removed_on, today = cleaned.get("removed_on"), date_rules.today()
        if removed_on and removed_on > today and "removed_on" not in self.errors:
            self.add_error("removed_on", REMOVAL_IN_FUTURE.format(today=today.isoformat()))
        if self.instance.pk is not None and self.instance.approved_date_unknown:
            # Justerat, datum okänt: read-only (the flag cannot be unset, the database refuses
            # it too), and no anslag can be registered without a justering date.
            if cleaned.get("posted_on") or cleaned.get("removed_on"):
                self.add_error("posted_on", POSTING_APPROVAL_DATE_UNKNOWN)
            return cleaned
        if cleaned.get("approved_date_unknown") and cleaned.get("approved_on"):
            self.add_error(
                "approved_date_unknown",
                _("Ange antingen justeringsdatum eller ”justerat, datum okänt”, inte båda."),
            )
        if cleaned.get("approved_date_unknown") and cleaned.get("posted_on"):
            self.add_error("posted_on", POSTING_APPROVAL_DATE_UNKNOWN)
        if self.instance.pk is None or self.instance.approved_on is None:
            return cleaned
        posted_on = cleaned.get("posted_on", self.instance.posted_on)
        removed_on = cleaned.get("removed_on", self.instance.removed_on)
        if posted_on and posted_on < self.instance.approved_on:
            self.add_error("posted_on", POSTING_BEFORE_JUSTERING_DATE)
        elif removed_on and not posted_on:
            self.add_error("removed_on", REMOVAL_NOT_POSTED)
        elif removed_on and removed_on != self.instance.removed_on:
            last_day = date_rules.last_appeal_day(posted_on=posted_on)
            if removed_on <= last_day:
                day = last_day + dt.timedelta(days=1)
                self.add_error("removed_on", REMOVAL_TOO_EARLY.format(day=day))
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    """A justerad meeting is read-only (rule 9) except for its anslag: the dates it was posted
    and taken down and where the protocol is kept, which are written after the justering;
    each of those dates is fixed once set (rule 39). No revert of a justerad meeting."""

    form = MeetingForm
    list_display = [
        "organ",
        "held_on",
        "place",
        "approved_on",
        "approved_date_unknown",
        "posted_on",
        "removed_on",
    ]
    list_select_related = ["organ__organisation"]
    list_filter = [("organ", OrganListFilter), "year"]
    date_hierarchy = "held_on"
    search_fields = ["organ__name", "organ__code", "place", "date_note"]
    autocomplete_fields = ["organ", "chair", "approvers"]
    fieldsets = [
        (None, {"fields": ["organ", "held_on", "year", "date_note", "place"]}),
        (_("Protokoll"), {"fields": ["chair", "secretary", "minutes_kept_at"]}),
        (
            _("Justering"),
            {"fields": ["approvers", "approval_place", "approved_on", "approved_date_unknown"]},
        ),
        (_("Anslag"), {"fields": ["posted_on", "removed_on"]}),
    ]
    inlines = [DecisionInline, AttendanceInline]

    def revert_refused(self, obj) -> bool:
        return is_locked(obj)

    def get_readonly_fields(self, request, obj=None):
        stored = self._stored(obj)
        if stored is None or not is_locked(stored):
            return super().get_readonly_fields(request, obj)
        fields = [f for _name, options in self.fieldsets for f in options["fields"]]
        fixed = [f for f in ("posted_on", "removed_on") if getattr(stored, f)]  # rule 39
        return [f for f in fields if f not in ANSLAG_FIELDS or f in fixed]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_locked(obj)

    def save_model(self, request, obj, form, change):
        """The justering is written last (rule 9), as ``approve_minutes`` and the importer do:
        a meeting justerad on this page gets its §§, närvaro and justerare first, and only
        then its justering date or "justerat, datum okänt" (see ``save_related``)."""
        # The meeting row locked for the rest of the request (the admin's transaction), as the
        # services lock it, so that justering and närvaro cannot interleave.
        stored = Meeting.objects.filter(pk=obj.pk)
        was_approved = False
        if obj.pk is not None:
            list(stored.select_for_update().values_list("pk", flat=True))
            was_approved = stored.justerade().exists()
        obj._pending_justering = {}
        if obj.is_approved and not was_approved:
            obj._pending_justering = {f: getattr(obj, f) for f in JUSTERING_FIELDS}
            for f in JUSTERING_FIELDS:
                setattr(obj, f, False if f == "approved_date_unknown" else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(form.instance, "_pending_justering", None)
        if pending:
            for f, value in pending.items():
                setattr(form.instance, f, value)
            form.instance.save()
            originals.take_snapshot(form.instance)  # rule 38, as approve_minutes does
            originals.freeze_after_commit(form.instance.pk)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Decision:
            return super().save_formset(request, form, formset, change)
        added = []
        for decision in formset.save(commit=False):
            if decision.pk:
                decision.save()
            else:
                added.append(_add_decision(request, meeting=form.instance, decision=decision))
        for decision in formset.deleted_objects:
            decision.delete()
        formset.new_objects = added  # what the admin's change message names


@admin.register(Attendance)
class AttendanceAdmin(ProtocolPartAdmin):
    protocol = "meeting"
    list_display = ["person", "role", "function", "meeting"]
    list_select_related = ["person", "meeting__organ"]
    list_filter = ["role"]
    search_fields = ["person__name", "meeting__organ__name"]
    autocomplete_fields = ["meeting", "person"]


@admin.register(Decision)
class DecisionAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    """A new § is added through ``add_decision`` (next number in the organ's series, the
    meeting's serving members as participants). A justerad § is read-only (rule 9): it is
    corrected by a rättelse or by a new decision that links to it."""

    form = DecisionForm
    list_display = ["organ", "year", "paragraph", "title", "kind", "case"]
    list_display_links = ["paragraph", "title"]
    list_select_related = ["organ__organisation", "case"]
    list_filter = ["kind", "year", "approved_immediately", ("organ", OrganListFilter)]
    search_fields = ["title", "case__number", "case__number_key", "organ__code", "organ__name"]
    autocomplete_fields = ["meeting", "case"]
    readonly_fields = ["organ", "year", "approved_immediately"]
    fieldsets = [
        (None, {"fields": ["meeting", "organ", "year", "number", "kind", "case", "title"]}),
        (_("Protokollstext"), {"fields": TEXT_FIELDS}),
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
    actions = ["approve_selected_immediately"]

    def revert_refused(self, obj) -> bool:
        return is_locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not is_locked(obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        decision = _add_decision(request, meeting=obj.meeting, decision=obj)
        # The inlines are saved against ``obj``: make it the added §.
        obj.pk = decision.pk
        obj.refresh_from_db()
        obj._state.adding = False

    @admin.display(description=_("§"), ordering="number")
    def paragraph(self, decision: Decision) -> str:
        return decision.label

    @admin.action(description=_("Justera markerade paragrafer omedelbart"), permissions=["change"])
    def approve_selected_immediately(self, request, queryset):
        for decision in queryset:
            try:
                approve_immediately(decision=decision, user=request.user)
            except ValidationError as error:
                message = f"{decision}: {' '.join(error.messages)}"
                self.message_user(request, message, messages.WARNING)


@admin.register(Participation)
class ParticipationAdmin(ProtocolPartAdmin):
    list_display = ["person", "role", "function", "decision"]
    list_select_related = ["person", "decision__organ"]
    list_filter = ["role"]
    search_fields = ["person__name", "decision__title"]
    autocomplete_fields = ["decision", "person"]


@admin.register(Motion)
class MotionAdmin(ProtocolPartAdmin):
    list_display = ["decision", "order", "mover", "text"]
    list_select_related = ["decision__organ", "mover"]
    search_fields = ["text", "mover__name", "decision__title"]
    autocomplete_fields = ["decision", "mover", "supporters"]


@admin.register(Vote)
class VoteAdmin(ProtocolPartAdmin):
    list_display = ["decision", "order", "yes_count", "no_count", "abstain_count"]
    list_select_related = ["decision__organ"]
    search_fields = ["question", "decision__title", "decision__case__number"]
    autocomplete_fields = ["decision"]
    inlines = [BallotInline]


@admin.register(Ballot)
class BallotAdmin(ProtocolPartAdmin):
    protocol = "vote__decision"
    list_display = ["person", "choice", "party", "decision"]
    list_select_related = ["person", "vote__decision__organ"]
    list_filter = ["choice"]
    search_fields = ["person__name", "vote__decision__title"]
    autocomplete_fields = ["vote", "person"]

    @admin.display(description=_("§"))
    def decision(self, ballot: Ballot) -> Decision:
        return ballot.vote.decision


@admin.register(Reservation)
class ReservationAdmin(ProtocolPartAdmin):
    list_display = ["person", "decision", "motivation"]
    list_select_related = ["person", "decision__organ"]
    search_fields = ["person__name", "decision__title", "motivation"]
    autocomplete_fields = ["decision", "person"]


@admin.register(Recusal)
class RecusalAdmin(ProtocolPartAdmin):
    list_display = ["person", "decision", "ground"]
    list_select_related = ["person", "decision__organ"]
    search_fields = ["person__name", "decision__title", "ground"]
    autocomplete_fields = ["decision", "person"]


@admin.register(DecisionLink)
class DecisionLinkAdmin(HistoryAdmin):
    form = DecisionLinkForm
    list_display = ["source", "kind", "target", "target_reference"]
    list_select_related = ["source__organ", "target__organ"]
    list_filter = ["kind"]
    search_fields = ["source__title", "target__title", "target_reference", "note"]
    autocomplete_fields = ["source", "target"]


@admin.register(Appeal)
class AppealAdmin(HistoryAdmin):
    list_display = ["court_case_number", "court", "decision", "lodged_on", "outcome", "final"]
    list_select_related = ["decision__organ"]
    list_filter = ["outcome", "final"]
    search_fields = ["court", "court_case_number", "decision__title"]
    autocomplete_fields = ["decision"]


@admin.register(Correction)
class CorrectionAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    list_display = ["decision", "made_on", "made_by"]
    list_select_related = ["decision__organ"]
    search_fields = ["decision__title", "made_by", "what"]
    autocomplete_fields = ["decision"]


class DecisionTaskForm(forms.ModelForm):
    """The admin's uppdrag: the rules of decisions.tasks (RULES.md 44), as the service."""

    class Meta:
        model = DecisionTask
        fields = [
            "decision", "what", "responsible_organ", "responsible_unit", "responsible_person",
            "due_on", "report_required",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision is not None and decision.is_justerad and self.instance.pk is None:
            raise forms.ValidationError(JUSTERAT_MESSAGE)
        given = sum(
            bool(data.get(name))
            for name in ("responsible_organ", "responsible_unit", "responsible_person")
        )
        decided_on = decision.meeting.held_on if decision is not None else None
        problems = task_rules.check_task(
            due_on=data.get("due_on"), decided_on=decided_on, responsible=given
        )
        if problems:
            raise forms.ValidationError([TASK_MESSAGES[p] for p in problems])
        return data


@admin.register(DecisionTask)
class DecisionTaskAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    form = DecisionTaskForm
    list_display = ["decision", "what", "due_on", "report_required"]
    list_select_related = ["decision__organ"]
    search_fields = ["what", "decision__title", "responsible_unit"]
    autocomplete_fields = ["decision", "responsible_organ", "responsible_person"]


class TaskReportForm(forms.ModelForm):
    class Meta:
        model = TaskReport
        fields = ["task", "reported_on", "status", "note", "document"]

    def clean(self):
        data = super().clean()
        task, on, status = data.get("task"), data.get("reported_on"), data.get("status")
        if task is not None and on is not None and status and self.instance.pk is None:
            problems = task_rules.check_report(
                status=status, on=on, current=task.status(on),
                decided_on=task.decision.meeting.held_on,
            )  # fmt: skip
            if problems:
                raise forms.ValidationError([REPORT_MESSAGES[p] for p in problems])
        return data


@admin.register(TaskReport)
class TaskReportAdmin(NoRevertOfRecords, SimpleHistoryAdmin):
    form = TaskReportForm
    list_display = ["task", "reported_on", "status"]
    list_select_related = ["task__decision__organ"]
    raw_id_fields = ["task", "document"]


# The records nobody writes by hand (issued extracts, protocol orders, justering rounds, frozen
# originals) are in their own module.
from decisions import admin_records  # noqa: E402, F401
