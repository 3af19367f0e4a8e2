"""Forms of the registrator's pages. They parse and check input; the writes are in
``cases.services``."""

import re
import zipfile

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cases import uploads
from cases.models import SECRECY_INCOMPLETE, Case, Classification, Document, Register
from insjoriket.dates import DateField
from members.models import Organ

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
FILE_TOO_LARGE = _("Filen är för stor. Största tillåtna storlek är 20 MB.")
FILE_TYPE_NOT_ALLOWED = _(
    "Filtypen är inte tillåten. Tillåtna filer är PDF, Word (DOCX), OpenDocument-text (ODT), "
    "PNG och JPEG."
)
FILE_CONTENT_MISMATCH = _("Filens innehåll stämmer inte med filändelsen.")
PDF_INCOMPLETE = _(
    "Filen är ingen fullständig PDF: slutet saknas eller är skadat (filen kan ha avbrutits "
    "under överföringen). Spara eller skanna dokumentet på nytt och ladda upp det igen."
)
# The end of a PDF: "startxref", the byte offset of the last cross-reference section, "%%EOF".
PDF_TAIL_BYTES = 2048
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF", re.ASCII)
_XREF_AT = re.compile(rb"\s*(?:xref|\d+\s+\d+\s+obj)\b", re.ASCII)
CASE_NUMBER_NOT_FOUND = _("Det finns inget ärende med det diarienumret.")
CASE_NUMBER_AMBIGUOUS = _("Diarienumret finns i flera diarier. Välj diarium.")

# Extension → the type its content must have. Checked on the bytes, not on the name alone.
ALLOWED_EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "odt": "odt",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpeg": "image/jpeg",
}


def sniff_file_type(head: bytes, fileobj) -> str | None:
    """The type of a file from its content signature: ``pdf``, ``docx``, ``odt``, ``png``,
    ``jpeg``, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == CONTENT_TYPES["odt"]:
                        return "odt"
                if "word/document.xml" in names and "[Content_Types].xml" in names:
                    return "docx"
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
    return None


def pdf_is_complete(fileobj, size: int) -> bool:
    """Whether a PDF ends as PDFs do (ISO 32000-1, 7.5.5): "startxref", an offset inside the
    file at which a cross-reference table ("xref") or stream ("n 0 obj") starts, and "%%EOF".
    A file cut short in transfer lacks this end. Only the tail and 32 bytes are read."""
    fileobj.seek(max(0, size - PDF_TAIL_BYTES))
    tail = fileobj.read(PDF_TAIL_BYTES)
    found = list(_STARTXREF.finditer(tail))
    if not found:
        return False
    offset = int(found[-1].group(1))
    if not 0 < offset < size:
        return False
    fileobj.seek(offset)
    return _XREF_AT.match(fileobj.read(32)) is not None


def check_upload(upload) -> str:
    """Refuse files over 20 MB, files whose content is not the type their name says, and
    active content, polyglots and bombs (cases.uploads)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(FILE_TOO_LARGE, code="too_large")
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(FILE_TYPE_NOT_ALLOWED, code="type")
    upload.seek(0)
    head = upload.read(16)
    kind = sniff_file_type(head, upload)
    upload.seek(0)
    if kind is None:
        raise ValidationError(FILE_TYPE_NOT_ALLOWED, code="type")
    if kind != ALLOWED_EXTENSIONS[extension]:
        raise ValidationError(FILE_CONTENT_MISMATCH, code="mismatch")
    if kind == "pdf":
        complete = pdf_is_complete(upload, upload.size)
        upload.seek(0)
        if not complete:
            raise ValidationError(PDF_INCOMPLETE, code="pdf_incomplete")
    uploads.check_content(kind, upload)
    return kind


class SecrecyFormMixin(forms.Form):
    is_secret = forms.BooleanField(label=_("Sekretess"), required=False)
    secrecy_ground = forms.CharField(
        label=_("Sekretessgrund (lagrum)"),
        max_length=100,
        required=False,
        help_text=_("T.ex. OSL 26 kap. 1 §"),
    )
    secrecy_marked_on = DateField(
        label=_("Sekretessmarkerad datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    secrecy_marked_by = forms.CharField(label=_("Markerad av"), max_length=200, required=False)
    public_title = forms.CharField(
        label=_("Offentlig titel"),
        max_length=500,
        required=False,
        help_text=_("Visas i stället för den sekretessbelagda texten."),
    )

    def clean(self):
        data = super().clean()
        if data.get("is_secret") and not (
            data.get("secrecy_ground")
            and data.get("secrecy_marked_on")
            and data.get("secrecy_marked_by")
        ):
            raise ValidationError(SECRECY_INCOMPLETE)
        return data


class ClassificationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Classification) -> str:
        return f"{obj.scheme.name}: {obj}"


class RegisterChoiceField(forms.ModelChoiceField):
    """Two organisations both have a "Kommunstyrelsens diarium (KS)": name the organisation
    so the choices can be told apart. The queryset joins the organisation (no query per row)."""

    def label_from_instance(self, obj: Register) -> str:
        return f"{obj.organisation.name}: {obj}"


def register_choices():
    return Register.objects.select_related("organisation")


def classification_choices():
    return Classification.objects.select_related("scheme").order_by("scheme__name", "code")


class CaseForm(SecrecyFormMixin):
    register = RegisterChoiceField(label=_("Diarium"), queryset=register_choices())
    title = forms.CharField(label=_("Ärendemening"), max_length=500)
    classification = ClassificationChoiceField(
        label=_("Klassificering"), queryset=classification_choices(), required=False
    )
    officer = forms.CharField(label=_("Handläggare"), max_length=200, required=False)

    field_order = ["register", "title", "classification", "officer"]


class DocumentForm(SecrecyFormMixin):
    date = DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    direction = forms.ChoiceField(label=_("Riktning"), choices=Document.Direction.choices)
    counterpart = forms.CharField(label=_("Avsändare/mottagare"), max_length=300, required=False)
    description = forms.CharField(label=_("Beskrivning"), max_length=500)
    file = forms.FileField(
        label=_("Fil"),
        required=False,
        help_text=_("PDF, DOCX, ODT, PNG eller JPEG, högst 20 MB."),
    )

    field_order = ["date", "direction", "counterpart", "description", "file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload


class QuickSelect(forms.Select):
    """A ``<select>`` rendered in one ``format_html_join`` instead of one template per option:
    the case list's ~220 diarier cost ~80 % of the page through Django's option templates
    (docs/benchmarks.md). Same markup and attributes (id, name, required, aria-*); the label
    comes from the form's ``<label for>`` as before. No option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs) | {"name": name}
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)  # noqa: S308
                for key, label in ((str(v), label) for v, label in self.choices)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


# The case list's filter choices (every diarium and classification of the instance, ~570 rows at
# full size) as rendered (value, label) pairs. Building them from model instances on every
# request was half of /arenden/'s CPU time (docs/benchmarks.md). Registers and classifications
# change rarely; a change in this process clears the cache at once (cases.apps signals), other
# processes see it within FILTER_CHOICES_SECONDS.
FILTER_CHOICES_KEY = "cases:filter-choices:1"
FILTER_CHOICES_SECONDS = 60


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    choices = cache.get(FILTER_CHOICES_KEY)
    if choices is None:
        register_field = RegisterChoiceField(queryset=register_choices(), required=False)
        classification_field = ClassificationChoiceField(
            queryset=classification_choices(), required=False
        )
        choices = {
            name: [(str(value), str(label)) for value, label in field.choices]
            for name, field in (
                ("register", register_field),
                ("classification", classification_field),
            )
        }
        cache.set(FILTER_CHOICES_KEY, choices, FILTER_CHOICES_SECONDS)
    return choices


def clear_filter_choices(**_kwargs) -> None:
    cache.delete(FILTER_CHOICES_KEY)


class CaseFilterForm(forms.Form):
    register = RegisterChoiceField(
        label=_("Diarium"), queryset=register_choices(), required=False, widget=QuickSelect
    )
    year = forms.IntegerField(label=_("År"), min_value=1900, max_value=2200, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alla"))] + list(Case.Status.choices),
        required=False,
        widget=QuickSelect,
    )
    officer = forms.CharField(label=_("Handläggare"), max_length=200, required=False)
    classification = ClassificationChoiceField(
        label=_("Klassificering"),
        queryset=classification_choices(),
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered from the cached pairs; validation still looks the chosen row up.
        for name, pairs in filter_choices().items():
            self.fields[name].widget.choices = pairs

    def filter(self, queryset, *, user):
        """The chosen filters; those on a case's content match only what ``user`` may see."""
        data = self.cleaned_data
        if data.get("register"):
            queryset = queryset.filter(register=data["register"])
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("officer"):
            queryset = queryset.filter_content(user, officer__icontains=data["officer"])
        if data.get("classification"):
            queryset = queryset.filter_content(user, classification=data["classification"])
        return queryset


class CloseCaseForm(forms.Form):
    closed_on = DateField(
        label=_("Avslutat datum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class LinkCaseForm(forms.Form):
    number = forms.CharField(
        label=_("Diarienummer i det andra diariet"),
        max_length=60,
        help_text=_("T.ex. 2022VFN360"),
    )
    note = forms.CharField(label=_("Anteckning"), max_length=300, required=False)

    def clean_number(self) -> Case:
        from cases.models import normalise_number

        key = normalise_number(self.cleaned_data["number"])
        found = list(Case.objects.filter(number_key=key).select_related("register")[:2])
        if not found:
            raise ValidationError(CASE_NUMBER_NOT_FOUND)
        if len(found) > 1:
            raise ValidationError(CASE_NUMBER_AMBIGUOUS)
        return found[0]


class OrganChoiceField(forms.ModelChoiceField):
    """Organs of the diarier, named with their organisation (every kommun has a
    kommunstyrelse)."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.organisation.name}: {obj.name}"


def register_organ_choices():
    """The organs that keep a diarium, with their organisation (one query)."""
    return (
        Organ.objects.filter(registers__isnull=False)
        .distinct()
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


PERIOD_REVERSED = _("Slutdatumet ligger före startdatumet.")


class PublicRegisterForm(forms.Form):
    """The public diarium's search (e-diarium): diarienummer, words of the ärendemening, organ
    and a registration period. The filtering is the view's (it needs the word search)."""

    number = forms.CharField(
        label=_("Diarienummer"),
        max_length=60,
        required=False,
        help_text=_("Hela eller delar, t.ex. ”SF 2020/12” eller ”2023.509”."),
    )
    q = forms.CharField(label=_("Ord i ärendemeningen"), max_length=200, required=False)
    organ = OrganChoiceField(
        label=_("Organ"),
        queryset=register_organ_choices(),
        required=False,
        empty_label=_("Alla organ"),
    )
    registered_from = DateField(
        label=_("Registrerat från och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    registered_to = DateField(
        label=_("Registrerat till och med"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("registered_from"), data.get("registered_to")
        if start and end and end < start:
            raise ValidationError(PERIOD_REVERSED)
        return data


class PostListDayForm(forms.Form):
    datum = DateField(
        label=_("Dag"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class DocumentRequestForm(forms.Form):
    """Log a begäran om allmän handling (rule 42)."""

    received_on = DateField(label=_("Begäran kom in"), widget=DATE_INPUT)
    requester = forms.CharField(
        label=_("Sökande"),
        max_length=200,
        required=False,
        help_text=_("Får lämnas tomt: den som begär en handling får vara anonym (TF 2 kap. 18 §)."),
    )
    reply_to = forms.CharField(label=_("Svar till (e-post eller adress)"), max_length=300,
                               required=False)  # fmt: skip
    description = forms.CharField(
        label=_("Vad som begärs"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DisclosureForm(forms.Form):
    """The menprövning of one handling of a request (rule 42)."""

    document = forms.ModelChoiceField(label=_("Handling"), queryset=None)
    outcome = forms.ChoiceField(label=_("Beslut"), choices=[])
    ground = forms.CharField(
        label=_("Sekretessgrund (lagrum)"), max_length=100, required=False,
        help_text=_("Krävs vid maskning och avslag, t.ex. ”OSL 26 kap. 1 §”."),
    )  # fmt: skip
    masked_words = forms.CharField(
        label=_("Maskeras"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vid maskning: ett ord eller en fras per rad; de ersätts i kopian."),
    )  # fmt: skip
    decided_on = DateField(label=_("Beslutsdatum"), widget=DATE_INPUT)

    def __init__(self, *args, documents, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: f"{d.number} {d.description}"
        self.fields["outcome"].choices = outcomes


class SecrecyChangeForm(SecrecyFormMixin):
    """A later sekretessmarkering of a handling, or its removal, with the reason."""

    reason = forms.CharField(label=_("Skäl till ändringen"), max_length=500)
