"""Forms of the nämndsekreterare's pages. They parse and validate input; the writes and the
rules (numbering, justering, immutability) are in ``decisions.services``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import Case, normalise_number
from decisions.models import Attendance, Ballot, Decision, Meeting, justerad_q
from decisions.publishing.tasks import batch_meetings
from insjoriket.dates import DateField
from members.models import Assignment, Organ, Person

CASE_NOT_FOUND = _("Det finns inget ärende med diarienummer %(number)s i %(organisation)s.")
CASE_AMBIGUOUS = _(
    "Diarienumret %(number)s finns i flera diarier; skriv numret exakt som i diariet."
)
CASE_REQUIRED = _(
    "Ange diarienummer för ärendet, eller välj typen anmälan eller delegationsbeslut."
)
COUNTS_INCOMPLETE = _("Ange antal ja, nej och avstår, eller lämna alla tre tomma.")
NOBODY_ATTENDS = _("Ange minst en närvarande.")
APPROVERS_REQUIRED = _("Välj minst en justerare.")
RECIPIENTS_REQUIRED = _("Ange minst en mottagare.")
IMMEDIATE_NOT_CONFIRMED = _(
    "Bekräfta att sammanträdet har beslutat att paragrafen ska justeras omedelbart."
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOT_PRESENT = ""
ATTENDANCE_CHOICES = [(NOT_PRESENT, _("Ej närvarande")), *Attendance.Role.choices]
# Kinds that need not be tied to an ärende.
KINDS_WITHOUT_CASE = (Decision.Kind.NOTIFICATION, Decision.Kind.DELEGATION)


class MeetingFilterForm(forms.Form):
    organ = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Organ.objects.select_related("organisation"),
        required=False,
        empty_label=_("Alla organ"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla")), *Meeting.Status.choices], required=False
    )


class PlanMeetingForm(forms.Form):
    organ = forms.ModelChoiceField(
        label=_("Organ"), queryset=Organ.objects.select_related("organisation")
    )
    held_on = DateField(label=_("Datum"), widget=DATE_WIDGET)
    time = forms.TimeField(
        label=_("Tid"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(label=_("Plats"), max_length=150, required=False)
    secretary = forms.CharField(
        label=_("Sekreterare"),
        max_length=Meeting._meta.get_field("secretary").max_length,
        required=False,
        help_text=_("Namnet som står under Sekreterare i protokollet."),
    )

    def place_with_time(self) -> str:
        """The meeting has one place field; the time is kept in it ("Kommunhuset, kl. 13.00")."""
        place = self.cleaned_data.get("place", "").strip()
        time = self.cleaned_data.get("time")
        if time:
            stamp = _("kl. %(time)s") % {"time": time.strftime("%H.%M")}
            return f"{place}, {stamp}" if place else str(stamp)
        return place


def organ_people(meeting: Meeting) -> list[tuple[Person, str]]:
    """The organ's ledamöter and ersättare on the meeting day, with the attendance role they
    normally have (ledamot or ersättare), ordered ledamöter first. One query."""
    qs = Assignment.objects.filter(organ_id=meeting.organ_id).select_related("person")
    if meeting.held_on:
        day = meeting.held_on
        qs = qs.exclude(start_on__gt=day).exclude(end_on__lt=day)
    seen: dict[int, tuple[Person, str]] = {}
    for a in qs.order_by("person__name"):
        role = (
            Attendance.Role.SUBSTITUTE
            if a.role == Assignment.Role.SUBSTITUTE
            else Attendance.Role.MEMBER
        )
        if a.role == Assignment.Role.AUDITOR:
            role = Attendance.Role.OTHER
        if a.person_id not in seen or role == Attendance.Role.MEMBER:
            seen[a.person_id] = (a.person, role)
    order = {Attendance.Role.MEMBER: 0, Attendance.Role.SUBSTITUTE: 1, Attendance.Role.OTHER: 2}
    return sorted(seen.values(), key=lambda pr: (order[pr[1]], pr[0].name))


class AttendanceForm(forms.Form):
    """One row per ledamot/ersättare of the organ (role select + function), plus a few rows to
    add other people present (tjänstemän, ersättare from another list)."""

    EXTRA_ROWS = 3

    def __init__(self, *args, meeting: Meeting, people, attendances, all_people, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        current = {a.person_id: a for a in attendances}
        self.rows = []
        listed = set()
        for person, usual_role in people:
            listed.add(person.pk)
            existing = current.get(person.pk)
            role_name, fn_name = f"role_{person.pk}", f"function_{person.pk}"
            self.fields[role_name] = forms.ChoiceField(
                label=person.name,
                choices=ATTENDANCE_CHOICES,
                required=False,
                initial=existing.role if existing else NOT_PRESENT,
            )
            self.fields[fn_name] = forms.CharField(
                label=_("Funktion för %(name)s") % {"name": person.name},
                max_length=100,
                required=False,
                initial=existing.function if existing else "",
            )
            self.rows.append((person, usual_role, self[role_name], self[fn_name]))
        # People already attending who are not in the organ's lists, then empty rows.
        others = [a for a in attendances if a.person_id not in listed]
        self.extra_rows = []
        for i in range(len(others) + self.EXTRA_ROWS):
            existing = others[i] if i < len(others) else None
            p, r, f = f"extra_person_{i}", f"extra_role_{i}", f"extra_function_{i}"
            self.fields[p] = forms.ModelChoiceField(
                label=_("Person %(n)s") % {"n": i + 1},
                queryset=all_people,
                required=False,
                initial=existing.person_id if existing else None,
                empty_label=_("Välj person"),
            )
            self.fields[r] = forms.ChoiceField(
                label=_("Roll för person %(n)s") % {"n": i + 1},
                choices=Attendance.Role.choices,
                required=False,
                initial=existing.role if existing else Attendance.Role.OTHER,
            )
            self.fields[f] = forms.CharField(
                label=_("Funktion för person %(n)s") % {"n": i + 1},
                max_length=100,
                required=False,
                initial=existing.function if existing else "",
            )
            self.extra_rows.append((self[p], self[r], self[f]))
        self._people = {person.pk: person for person, _role in people}

    def clean(self):
        data = super().clean()
        chosen: list[tuple[Person, str, str]] = []
        seen = set()
        for pk, person in self._people.items():
            role = data.get(f"role_{pk}")
            if role:
                chosen.append((person, role, data.get(f"function_{pk}", "")))
                seen.add(pk)
        i = 0
        while f"extra_person_{i}" in self.fields:
            person = data.get(f"extra_person_{i}")
            if person is not None:
                if person.pk in seen:
                    self.add_error(
                        f"extra_person_{i}",
                        _("%(name)s finns redan i närvarolistan.") % {"name": person.name},
                    )
                else:
                    role = data.get(f"extra_role_{i}") or Attendance.Role.OTHER
                    chosen.append((person, role, data.get(f"extra_function_{i}", "")))
                    seen.add(person.pk)
            i += 1
        if not chosen and not self.errors:
            raise ValidationError(NOBODY_ATTENDS)
        data["attendees"] = chosen
        return data


class AddDecisionForm(forms.Form):
    number = forms.IntegerField(label=_("Paragrafnummer (§)"), min_value=1)
    title = forms.CharField(label=_("Rubrik"), max_length=500)
    kind = forms.ChoiceField(label=_("Typ"), choices=Decision.Kind.choices)
    case_number = forms.CharField(
        label=_("Diarienummer"),
        max_length=60,
        required=False,
        help_text=_("Ärendet paragrafen gäller. Behövs inte för anmälan och delegationsbeslut."),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean(self):
        data = super().clean()
        raw = (data.get("case_number") or "").strip()
        data["case"] = None
        if raw:
            organisation = self.meeting.organ.organisation
            found = list(
                Case.objects.filter(
                    number_key=normalise_number(raw),
                    register__organisation_id=organisation.pk,
                )[:3]
            )
            if len(found) > 1:
                exact = [c for c in found if c.number == raw]
                found = exact if len(exact) == 1 else found
            if not found:
                self.add_error(
                    "case_number",
                    CASE_NOT_FOUND % {"number": raw, "organisation": organisation.name},
                )
            elif len(found) > 1:
                self.add_error("case_number", CASE_AMBIGUOUS % {"number": raw})
            else:
                data["case"] = found[0]
        elif data.get("kind") and data["kind"] not in KINDS_WITHOUT_CASE:
            self.add_error("case_number", CASE_REQUIRED)
        return data


class DecisionTextsForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = [
            "title",
            "description",
            "preparation",
            "procedure",
            "decision_text",
            "basis",
            "sent_to",
            "enforcement_stayed",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["description", "preparation", "procedure", "decision_text", "basis"]
        } | {"sent_to": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"sent_to": _("En mottagare per rad.")}


def _person_choice(queryset, label, required=True, empty=None):
    return forms.ModelChoiceField(
        label=label, queryset=queryset, required=required, empty_label=empty or _("Välj person")
    )


class MotionForm(forms.Form):
    mover = forms.ModelChoiceField(label=_("Yrkande av"), queryset=Person.objects.none())
    supporters = forms.ModelMultipleChoiceField(
        label=_("Instämmande"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(label=_("Yrkande"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mover"].queryset = people
        self.fields["mover"].empty_label = _("Välj person")
        self.fields["supporters"].queryset = people


class VoteForm(forms.Form):
    """A votering: the proposition, what ja and nej mean, the result as the protocol states it
    (optional) and one ballot per participant (rule 11)."""

    question = forms.CharField(
        label=_("Voteringsproposition"), widget=forms.Textarea(attrs={"rows": 2})
    )
    yes_means = forms.CharField(label=_("Ja innebär"), max_length=500, required=False)
    no_means = forms.CharField(label=_("Nej innebär"), max_length=500, required=False)
    yes_count = forms.IntegerField(label=_("Antal ja"), min_value=0, required=False)
    no_count = forms.IntegerField(label=_("Antal nej"), min_value=0, required=False)
    abstain_count = forms.IntegerField(label=_("Antal avstår"), min_value=0, required=False)
    appendix = forms.CharField(label=_("Bilaga"), max_length=100, required=False)

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.ballot_rows = []
        self._participants = []
        for p in participants:
            name = f"ballot_{p.person_id}"
            self.fields[name] = forms.ChoiceField(
                label=p.person.name,
                choices=Ballot.Choice.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Ange hur %(name)s röstade.") % {"name": p.person.name}
                },
            )
            self.ballot_rows.append((p, self[name]))
            self._participants.append(p.person)

    def clean(self):
        data = super().clean()
        counts = [data.get("yes_count"), data.get("no_count"), data.get("abstain_count")]
        if all(c is None for c in counts):
            data["counts"] = None
        elif any(c is None for c in counts):
            raise ValidationError(COUNTS_INCOMPLETE)
        else:
            data["counts"] = tuple(counts)
        data["ballots"] = [
            (person, data[f"ballot_{person.pk}"])
            for person in self._participants
            if data.get(f"ballot_{person.pk}")
        ]
        return data


class ReservationForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Reservant"), queryset=Person.objects.none())
    motivation = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = _("Välj deltagare")
        self.fields["person"].error_messages["invalid_choice"] = _(
            "Bara den som deltog i beslutet kan reservera sig (KL 4 kap. 27 §)."
        )


class RecusalForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Jävig person"), queryset=Person.objects.none())
    ground = forms.CharField(label=_("Jävsgrund"), max_length=300, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = _("Välj deltagare")


class ApproveForm(forms.Form):
    approved_on = DateField(label=_("Justeringsdatum"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Justeringens plats"), max_length=200, required=False)
    approvers = forms.ModelMultipleChoiceField(
        label=_("Justerare"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": APPROVERS_REQUIRED},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = people


class ImmediateApprovalForm(forms.Form):
    """The confirmation omedelbar justering needs: it cannot be undone (the § is read-only
    from then on), so it is not one click."""

    confirm = forms.BooleanField(
        label=_(
            "Sammanträdet har beslutat att paragrafen justeras omedelbart. Jag förstår att "
            "paragrafen därefter inte kan ändras, bara rättas."
        ),
        help_text=_("KL 5 kap. 70 §"),
        error_messages={"required": IMMEDIATE_NOT_CONFIRMED},
    )


class PostForm(forms.Form):
    posted_on = DateField(label=_("Anslaget uppsatt"), widget=DATE_WIDGET)
    minutes_kept_at = forms.CharField(
        label=_("Förvaringsplats för protokollet"), max_length=300, required=False
    )


class RemovePostingForm(forms.Form):
    removed_on = DateField(label=_("Anslaget nedtaget"), widget=DATE_WIDGET)


class PostingCorrectionForm(forms.Form):
    """Rule 39: a wrong anslag date is mended by a recorded correction with its reason."""

    posted_on = DateField(label=_("Rätt uppsättningsdag"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför datumet rättas. Överklagandetiden räknas om (KL 13 kap. 5 §)."),
        error_messages={"required": _("Ange skälet till rättelsen.")},
    )


class CorrectionForm(forms.Form):
    made_by = forms.CharField(label=_("Rättelsen gjord av"), max_length=200)
    made_on = DateField(label=_("Datum"), widget=DATE_WIDGET)
    what = forms.CharField(label=_("Vad som rättas"), widget=forms.Textarea(attrs={"rows": 3}))
    why = forms.CharField(label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 3}))


class DispatchForm(forms.Form):
    """Expediering (rule 31): the recipients, one a line, and the day it was sent."""

    recipients = forms.CharField(
        label=_("Mottagare"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En mottagare per rad."),
    )
    sent_on = DateField(label=_("Expedieringsdatum"), widget=DATE_WIDGET)

    def clean_recipients(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["recipients"].splitlines()]
        unique = list(dict.fromkeys(line for line in lines if line))
        if not unique:
            raise ValidationError(RECIPIENTS_REQUIRED)
        return unique


class MinorityReferralForm(forms.Form):
    """Rule 16: only fullmäktige; at least a third of the members present."""

    supporters = forms.IntegerField(label=_("Antal ledamöter som begär återremiss"), min_value=1)
    present = forms.IntegerField(label=_("Antal närvarande ledamöter"), min_value=1)
    motivation = forms.CharField(
        label=_("Minoritetens motivering"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        s, p = data.get("supporters"), data.get("present")
        if s and p and s > p:
            raise ValidationError(_("Fler kan inte begära återremiss än som är närvarande."))
        return data


# The first kommunalstämmor and municipal boards met in 1863 (1862 års kommunalförordningar).
FIRST_PROTOCOL_YEAR = 1863
YEAR_OUT_OF_RANGE = _("Ange ett år mellan %(first)s och %(last)s.")
YEAR_NOT_A_NUMBER = _("Ange året med siffror, till exempel 2024.")
NO_APPROVED_PROTOCOLS = _("%(organ)s har inga justerade protokoll från %(year)s.")


class ProtocolBatchForm(forms.Form):
    """Skriv ut ett års protokoll: an organ and a year with at least one justerat protocol."""

    organ = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Organ.objects.none(),
        error_messages={"invalid_choice": _("Välj ett organ i listan.")},
        help_text=_("Organ med minst ett justerat protokoll."),
    )
    year = forms.IntegerField(
        label=_("År"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": YEAR_NOT_A_NUMBER},
        help_text=_("Alla justerade protokoll från året blir en ZIP-fil med en PDF per protokoll."),
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        # Only organs with at least one justerat protocol are worth choosing.
        self.fields["organ"].queryset = (
            Organ.objects.filter(justerad_q("meetings__")).select_related("organisation").distinct()
        )
        self.last_year = today.year
        self.fields["year"].widget.attrs.update({"min": FIRST_PROTOCOL_YEAR, "max": self.last_year})

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not FIRST_PROTOCOL_YEAR <= year <= self.last_year:
            raise ValidationError(
                YEAR_OUT_OF_RANGE,
                code="year_out_of_range",
                params={"first": FIRST_PROTOCOL_YEAR, "last": self.last_year},
            )
        return year

    def clean(self):
        cleaned = super().clean()
        organ, year = cleaned.get("organ"), cleaned.get("year")
        if organ is not None and year is not None:
            approved = batch_meetings(organ=organ, year=year)
            if not approved.exists():
                self.add_error(
                    None,
                    ValidationError(
                        NO_APPROVED_PROTOCOLS,
                        code="no_protocols",
                        params={"organ": organ.name, "year": year},
                    ),
                )
        return cleaned


# --- digital justering (issue 13; rule 37) ----------------------------------------------------

JUSTERING_NOT_CONFIRMED = _(
    "Bekräfta att protokollet är klart att skickas på justering; paragraferna kan sedan inte "
    "ändras förrän det dras tillbaka."
)
WITHDRAWAL_REASON_REQUIRED = _("Ange skälet till att protokollet dras tillbaka från justering.")
PAPER_DATE_REQUIRED = _("Ange datum för minst en som har skrivit under protokollet.")
CODE_FORMAT = _("Ange engångskoden med sex siffror.")
COMMENT_REQUIRED = _("Skriv en kommentar.")


class SendToJusteringForm(forms.Form):
    """Skicka på justering: the justerare (among those who serve), the place, and a
    confirmation — from now on the §§ cannot be changed until it is withdrawn."""

    approvers = forms.ModelMultipleChoiceField(
        label=_("Justerare"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": APPROVERS_REQUIRED},
    )
    place = forms.CharField(label=_("Plats för justeringen"), max_length=200, required=False)
    confirm = forms.BooleanField(
        label=_(
            "Protokollet är klart. Jag förstår att paragraferna, närvaron och voteringarna inte "
            "kan ändras medan det är skickat på justering."
        ),
        error_messages={"required": JUSTERING_NOT_CONFIRMED},
    )

    def __init__(self, *args, people, **kwargs):
        # Its own ids: the meeting page also shows the paper justering's form, whose fields
        # have the same names (a label must name the field of its own form).
        kwargs.setdefault("auto_id", "skicka_%s")
        super().__init__(*args, **kwargs)
        self.fields["approvers"].queryset = people


class WithdrawJusteringForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": WITHDRAWAL_REASON_REQUIRED},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(WITHDRAWAL_REASON_REQUIRED)
        return reason


class PaperJusteringForm(forms.Form):
    """Registrera pappersjustering: the day each signer who has not yet approved signed the
    printed protocol; at least one."""

    def __init__(self, *args, approvals, **kwargs):
        super().__init__(*args, **kwargs)
        self.approvals = {}
        for approval in approvals:
            if approval.is_approved:
                continue
            name = f"signed_on_{approval.pk}"
            self.approvals[name] = approval
            self.fields[name] = DateField(
                label=_("%(name)s (%(role)s) skrev under den")
                % {"name": approval.person.name, "role": approval.get_role_display()},
                widget=DATE_WIDGET,
                required=False,
            )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(name) for name in self.approvals):
            raise ValidationError(PAPER_DATE_REQUIRED)
        return data

    def signatures(self):
        """(approval, signed_on) for each date given."""
        return [
            (approval, self.cleaned_data[name])
            for name, approval in self.approvals.items()
            if self.cleaned_data.get(name)
        ]


class ApproveProtocolForm(forms.Form):
    code = forms.CharField(
        label=_("Engångskod"),
        help_text=_("Sex siffror från autentiseringsappen i din telefon."),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": CODE_FORMAT},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(CODE_FORMAT)
        return code


class CommentProtocolForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En kommentar är inget godkännande; sekreteraren ser den."),
        error_messages={"required": COMMENT_REQUIRED},
    )
