"""The form of the uppdrag report: which organ, which year."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 1990
ORGAN_NOT_LISTED = _("Välj ett organ i listan.")
YEAR_OUT_OF_RANGE = _("Ange ett år mellan %(first)s och %(last)s.")


class TaskReportForm(forms.Form):
    organ = forms.TypedChoiceField(
        label=_("Beslutande organ"),
        coerce=int,
        error_messages={"required": ORGAN_NOT_LISTED, "invalid_choice": ORGAN_NOT_LISTED},
    )
    year = forms.IntegerField(
        label=_("År"), error_messages={"invalid": _("Ange året med siffror, t.ex. 2025.")}
    )

    def __init__(self, *args, organs, this_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._organs = {organ.pk: organ for organ in organs}
        self.fields["organ"].choices = [("", _("Välj organ"))] + [
            (organ.pk, f"{organ.organisation.short_name}: {organ.name}") for organ in organs
        ]
        self.fields["year"].initial = this_year
        self._this_year = this_year

    def clean_organ(self):
        return self._organs[self.cleaned_data["organ"]]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= self._this_year:
            raise forms.ValidationError(
                YEAR_OUT_OF_RANGE % {"first": FIRST_YEAR, "last": self._this_year}
            )
        return year
