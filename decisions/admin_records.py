"""The admin of the records nobody writes by hand: issued extracts, orders of a year's
protocols, anslag corrections, digital justering rounds and their approvals, and a justerat
protocol's snapshot, frozen originals and sealed rättelser (rule 38). Read only; the writes go
through the services. Imported by ``decisions.admin``."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from decisions.models import (
    Approval,
    ExtractIssue,
    JusteringRound,
    JusteringSnapshot,
    PostingCorrection,
    ProtocolBatch,
    ProtocolOriginal,
    SealedCorrection,
    StoredExtract,
)
from insjoriket.history_admin import NoRevertOfRecords, ReadOnly


@admin.register(ExtractIssue)
class ExtractIssueAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["decision", "issued_by", "issued_at"]
    list_select_related = ["decision__organ", "issued_by"]
    search_fields = ["decision__title", "issued_by__username"]
    date_hierarchy = "issued_at"


@admin.register(StoredExtract)
class StoredExtractAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["decision", "certified_by", "issued_on", "created_at"]
    list_select_related = ["decision__organ"]
    search_fields = ["decision__title", "certified_by"]
    exclude = ["pdf"]


@admin.register(PostingCorrection)
class PostingCorrectionAdmin(ReadOnly, admin.ModelAdmin):
    """Corrections of an anslag date (rule 39): made on the meeting page, which recomputes
    the appeal window; here only read."""

    list_display = ["meeting", "old_posted_on", "new_posted_on", "made_by", "made_at"]
    list_select_related = ["meeting__organ", "made_by"]


@admin.register(ProtocolBatch)
class ProtocolBatchAdmin(ReadOnly, admin.ModelAdmin):
    """Orders of a year's protocols (decisions/tasks.py), for following up failed ones."""

    list_display = ["organ", "year", "status", "requested_by", "requested_at", "protocol_count"]
    list_filter = ["status"]
    list_select_related = ["organ__organisation", "requested_by"]
    search_fields = ["organ__name", "organ__code", "requested_by__username"]
    date_hierarchy = "requested_at"
    exclude = ["result_zip"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("result_zip")


# --- digital justering (rule 37): read only; the writes go through decisions.meetings.justering


class ApprovalInline(ReadOnly, admin.TabularInline):
    model = Approval
    extra = 0
    fields = ["person", "role", "method", "signed_on", "approved_at", "comment", "recorded_by"]
    readonly_fields = fields


@admin.register(JusteringRound)
class JusteringRoundAdmin(ReadOnly, NoRevertOfRecords, SimpleHistoryAdmin):
    list_display = ["meeting", "status", "sent_at", "withdrawn_at"]
    list_filter = ["status"]
    list_select_related = ["meeting", "meeting__organ"]
    readonly_fields = [
        "meeting",
        "sent_at",
        "sent_by",
        "place",
        "status",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
    ]
    inlines = [ApprovalInline]


@admin.register(Approval)
class ApprovalAdmin(ReadOnly, NoRevertOfRecords, SimpleHistoryAdmin):
    list_display = ["person", "role", "round", "method", "signed_on"]
    list_filter = ["role", "method"]
    list_select_related = ["person", "round", "round__meeting", "round__meeting__organ"]
    readonly_fields = [
        "round",
        "person",
        "role",
        "method",
        "approved_at",
        "signed_on",
        "comment",
        "commented_at",
        "recorded_by",
    ]


# --- the frozen original (rule 38): append-only in the database as well


@admin.register(JusteringSnapshot)
class JusteringSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["meeting", "taken_at"]
    list_select_related = ["meeting__organ"]
    readonly_fields = ["meeting", "data", "taken_at"]


@admin.register(ProtocolOriginal)
class ProtocolOriginalAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["meeting", "version", "sha256", "created_at"]
    list_select_related = ["meeting__organ"]
    exclude = ["pdf"]
    readonly_fields = ["meeting", "version", "sha256", "sealed_by", "created_at"]


@admin.register(SealedCorrection)
class SealedCorrectionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["correction", "sha256", "created_at"]
    list_select_related = ["correction__decision__organ"]
    exclude = ["pdf"]
    readonly_fields = ["correction", "sha256", "sealed_by", "created_at"]
