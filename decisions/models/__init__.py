"""The decisions app's models, in modules by what they hold: ``meetings`` (sammanträden, §§
and what happened at them), ``links`` (what later happened to a §: links, appeals,
rättelser), ``justering`` (digital justering: rounds and approvals), ``publishing`` (stored
extracts, protocol orders) and the rest named by their concept. Tables and app label are
``decisions``'s, as before the split."""

from decisions.models.anslag import PostingCorrection
from decisions.models.justering import Approval, JusteringRound
from decisions.models.links import Appeal, Correction, DecisionLink
from decisions.models.meetings import (
    Attendance,
    Decision,
    Meeting,
    Motion,
    Participation,
    Vote,
    justerad_q,
    on_board_q,
    taken_q,
)
from decisions.models.publishing import (
    ExtractIssue,
    JusteringSnapshot,
    ProtocolBatch,
    ProtocolOriginal,
    SealedCorrection,
    StoredExtract,
    filename_part,
)
from decisions.models.refusals import (
    ANSLAG_MESSAGE,
    ANSLAG_SQLSTATE,
    JUSTERAT_MESSAGE,
    JUSTERAT_SQLSTATE,
    ORIGINAL_MESSAGE,
    ORIGINAL_SQLSTATE,
    is_anslag_refusal,
    is_justerat_refusal,
    is_original_refusal,
)
from decisions.models.standpoints import Ballot, Recusal, Reservation
from decisions.models.tasks import DecisionTask, TaskReport

__all__ = [
    "JUSTERAT_MESSAGE",
    "JUSTERAT_SQLSTATE",
    "is_justerat_refusal",
    "ANSLAG_MESSAGE",
    "ORIGINAL_MESSAGE",
    "ORIGINAL_SQLSTATE",
    "ANSLAG_SQLSTATE",
    "is_anslag_refusal",
    "is_original_refusal",
    "PostingCorrection",
    "Appeal",
    "Approval",
    "JusteringRound",
    "Attendance",
    "Ballot",
    "Correction",
    "Decision",
    "DecisionTask",
    "DecisionLink",
    "ExtractIssue",
    "JusteringSnapshot",
    "ProtocolOriginal",
    "SealedCorrection",
    "Meeting",
    "Motion",
    "Participation",
    "ProtocolBatch",
    "Recusal",
    "TaskReport",
    "Reservation",
    "StoredExtract",
    "Vote",
    "filename_part",
    "justerad_q",
    "on_board_q",
    "taken_q",
]
