"""Every URL of the decisions app's pages, in one module. The pages are grouped by who uses
them, each group its own namespace (mounted by ``insjoriket/urls.py``):

- ``secretary_patterns`` (namespace ``secretary``, under /sammantraden/): the
  nämndsekreterare's meetings, §§, justering, anslag, expediering and year's protocols, and
  the ordförande's and justerare's "Mina protokoll att justera";
- ``history_patterns`` (``history``, at the root): a case's history across registers and a
  decision's page, for förtroendevalda and the public;
- ``public_patterns`` (``public``): the digital anslagstavla and the Atom feeds of it and of
  the justerade protocols;
- ``pdf_patterns`` (``decisions``, under /beslut/): protokollsutdrag and whole protocols;
- ``member_patterns`` (``members``): förbund and memberships over time;
- ``case_patterns``: the case page and the search page, added to the ``cases`` namespace
  under /arenden/ because they are the diarium's pages that also show §§; and the public's
  register (the e-diarium, the postlista and its feed), whose word filter is the search's.
"""

from django.urls import path

from decisions.views import (
    batches,
    cases,
    feeds,
    history,
    justering,
    meetings,
    members,
    pdfs,
    posting,
    public,
    register,
    requests,
    tasks,
)

secretary_patterns = [
    path("", meetings.meeting_list, name="meeting-list"),
    path("planera/", meetings.meeting_plan, name="meeting-plan"),
    path("arets-protokoll/", batches.protocol_batch_create, name="protocol-batch-create"),
    path("arets-protokoll/status/", batches.protocol_batch_list, name="protocol-batch-list"),
    path(
        "arets-protokoll/hamta/",
        batches.protocol_batch_download,
        name="protocol-batch-download",
    ),
    path("<int:meeting_id>/", meetings.meeting_detail, name="meeting-detail"),
    path("<int:meeting_id>/narvaro/", meetings.meeting_attendance, name="meeting-attendance"),
    path("<int:meeting_id>/paragrafer/ny/", meetings.decision_add, name="decision-add"),
    path("<int:meeting_id>/justera/", meetings.meeting_approve, name="meeting-approve"),
    path(
        "<int:meeting_id>/skicka-pa-justering/",
        justering.meeting_send_to_justering,
        name="meeting-send-to-justering",
    ),
    path(
        "<int:meeting_id>/justering/dra-tillbaka/",
        justering.meeting_withdraw_justering,
        name="meeting-withdraw-justering",
    ),
    path(
        "<int:meeting_id>/justering/papper/",
        justering.meeting_paper_justering,
        name="meeting-paper-justering",
    ),
    # The ordförande's and the justerare's pages (digital justering, rule 37).
    path("att-justera/", justering.justering_list, name="justering-list"),
    path("<int:meeting_id>/justering/", justering.justering_detail, name="justering-detail"),
    path(
        "<int:meeting_id>/justering/godkann/",
        justering.justering_approve,
        name="justering-approve",
    ),
    path(
        "<int:meeting_id>/justering/kommentera/",
        justering.justering_comment,
        name="justering-comment",
    ),
    path("<int:meeting_id>/anslag/", posting.meeting_post, name="meeting-post"),
    path("<int:meeting_id>/anslag/ta-ned/", posting.meeting_remove_posting, name="meeting-remove"),
    path(
        "<int:meeting_id>/anslag/ratta/",
        posting.meeting_correct_posting,
        name="meeting-correct-posting",
    ),
    path("paragraf/<int:decision_id>/", meetings.decision_detail, name="decision-detail"),
    path("paragraf/<int:decision_id>/texter/", meetings.decision_texts, name="decision-texts"),
    path("paragraf/<int:decision_id>/yrkande/", meetings.decision_motion, name="decision-motion"),
    path("paragraf/<int:decision_id>/votering/", meetings.decision_vote, name="decision-vote"),
    path(
        "paragraf/<int:decision_id>/reservation/",
        meetings.decision_reservation,
        name="decision-reservation",
    ),
    path("paragraf/<int:decision_id>/jav/", meetings.decision_recusal, name="decision-recusal"),
    path(
        "paragraf/<int:decision_id>/omedelbar-justering/",
        meetings.decision_approve_immediately,
        name="decision-approve-immediately",
    ),
    path(
        "paragraf/<int:decision_id>/rattelse/",
        meetings.decision_correction,
        name="decision-correction",
    ),
    path(
        "paragraf/<int:decision_id>/expediering/",
        meetings.decision_dispatch,
        name="decision-dispatch",
    ),
    path(
        "paragraf/<int:decision_id>/minoritetsaterremiss/",
        meetings.decision_minority_referral,
        name="decision-minority-referral",
    ),
]

history_patterns = [
    path("arenden/<int:case_id>/historik/", history.case_history, name="case-history"),
    path("beslut/citat/", history.citation_list, name="citation-list"),
    path("beslut/<int:decision_id>/", history.decision_detail, name="decision-detail"),
    path("beslut/rattelse/<int:correction_id>.pdf", pdfs.correction_pdf, name="correction-pdf"),
    path("uppdrag/", tasks.task_list, name="task-list"),
    path("uppdrag/rapport/", tasks.task_report, name="task-report"),
    path("uppdrag/rapport.pdf", tasks.task_report_pdf, name="task-report-pdf"),
]

public_patterns = [
    path("anslagstavla/", public.anslagstavla, name="anslagstavla"),
    path("anslagstavla/arkiv/", public.anslagstavla_archive, name="anslagstavla-archive"),
    path("anslagstavla/atom/", feeds.anslagstavla_feed, name="anslagstavla-feed"),
    path(
        "anslagstavla/organ/<int:organ_id>/atom/",
        feeds.anslagstavla_feed,
        name="anslagstavla-organ-feed",
    ),
    path("anslagstavla/protokoll/atom/", feeds.protocols_feed, name="protocols-feed"),
]

pdf_patterns = [
    path("<int:decision_id>/utdrag.pdf", pdfs.extract_pdf, name="extract-pdf"),
    path("sammantraden/<int:meeting_id>/protokoll.pdf", pdfs.protocol_pdf, name="protocol-pdf"),
]

member_patterns = [
    path("forbund/", members.federation_list, name="federation-list"),
    path("forbund/<int:org_id>/", members.federation_detail, name="federation-detail"),
    path("medlemmar/", members.member_list, name="member-list"),
    path("medlemmar/<int:org_id>/", members.member_detail, name="member-detail"),
]

case_patterns = [
    path("sok/", cases.search, name="search"),
    path("begaran/", requests.request_list, name="request-list"),
    path("<int:case_id>/begaran/ny/", requests.request_add, name="request-add"),
    path("begaran/<int:request_id>/", requests.request_detail, name="request-detail"),
    path(
        "begaran/menprovning/<int:disclosure_id>/kopia.pdf",
        requests.masked_copy_pdf,
        name="masked-copy",
    ),
    path("diarium/", register.public_register, name="public-register"),
    path("postlista/", register.post_list, name="post-list"),
    path("postlista/atom/", feeds.post_list_feed, name="post-list-feed"),
    path("<int:pk>/", cases.case_detail, name="case-detail"),
]
