"""No revert of registered or justerade records in the admin (rule 39; OSL 4 kap. 1 §,
KL 5 kap. 69 §).

django-simple-history's history page offers to restore ("återställ") an earlier version of a
record, which writes every field of that version back: it would clear the anslag date of a
posted protocol, undo a justering or rewrite a registered handling. ``NoRevertOfRecords``
hides the revert button for the records ``revert_refused`` names and refuses the POST itself
(the button being hidden does not stop a request), with a message and back to the history
page. The history stays readable.
"""

from __future__ import annotations

import datetime as dt
import difflib

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

REVERT_REFUSED = (
    "En äldre version kan inte återställas: uppgiften är registrerad eller hör till ett "
    "justerat protokoll. Historiken visas men skrivs inte tillbaka; ett fel rättas med en "
    "rättelse (OSL 4 kap. 1 §, KL 5 kap. 69 §, 8 kap. 12 §)."
)


class NoRevertOfRecords:
    """Mixin before ``SimpleHistoryAdmin``: no revert of records ``revert_refused`` names
    (every record, unless an admin narrows it), and the history page in Swedish
    (``SwedishHistoryHelper``)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return SwedishHistoryHelper(self.model, historical_record)

    def revert_refused(self, obj) -> bool:
        """Whether ``obj`` (as stored now) may not be reverted to an earlier version."""
        return True

    def _stored(self, obj):
        if obj is None or obj.pk is None:
            return None
        return self.model._default_manager.filter(pk=obj.pk).first()

    def revert_disabled(self, request, obj=None):
        stored = self._stored(obj)
        if stored is not None and self.revert_refused(stored):
            return True
        return super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            stored = self.model._default_manager.filter(pk=object_id).first()
            if stored is not None and self.revert_refused(stored):
                messages.error(request, _(REVERT_REFUSED))
                opts = self.model._meta
                return redirect(
                    reverse(
                        f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
                        args=[object_id],
                    )
                )
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- The history page in Swedish ------------------------------------------------------------

EMPTY = "(tomt)"
LONG_TEXT = 100  # characters: a longer text is shown whole, with what changed marked


def _display(field, value) -> str:
    """A stored value as the admin's forms show it: a choice by its label, a date in
    ÅÅÅÅ-MM-DD, a yes/no in words, nothing as "(tomt)"."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or EMPTY
    return str(value)


def _word_diff(old: str, new: str) -> tuple[str, str]:
    """Both texts whole, escaped, the words taken out marked <del> and those put in <ins>."""
    a, b = old.split(), new.split()
    old_parts, new_parts = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        before, after = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            old_parts.append(before)
            new_parts.append(after)
            continue
        if before:
            old_parts.append(f"<del>{before}</del>")
        if after:
            new_parts.append(f"<ins>{after}</ins>")
    return " ".join(old_parts), " ".join(new_parts)


class SwedishHistoryHelper(HistoricalRecordContextHelper):
    """The changes column of simple-history's history page as a Swedish registrator reads
    it: choice labels instead of stored codes ("stängt", not "closed"), dates as ÅÅÅÅ-MM-DD,
    "(tomt)" instead of "None", and a long text whole, with the changed words marked, instead
    of "[113 chars]"."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return _display(self.model._meta.get_field(change.field), value)

    def stringify_delta_change_values(self, change, old, new):
        if max(len(old), len(new)) > LONG_TEXT and EMPTY not in (old, new):
            old_html, new_html = _word_diff(old, new)
            return mark_safe(old_html), mark_safe(new_html)  # noqa: S308 - escaped word by word
        return conditional_escape(old), conditional_escape(new)


class HistoryAdmin(SimpleHistoryAdmin):
    """The project's history admin: simple-history's, with the history page in Swedish."""

    def get_historical_record_context_helper(self, request, historical_record):
        return SwedishHistoryHelper(self.model, historical_record)


class ReadOnly:
    """An admin (or inline) of records nobody writes by hand — issued extracts, signed
    justering rounds, frozen originals, menprövningar: shown with their history, never added,
    changed or deleted here; the writes go through the services that hold the rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
