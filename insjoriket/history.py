"""The one way every write path says who made a change and why (OSL 4 kap. 1 §; rule 23):
services, the admin's actions, the importer and the API all call ``record_change`` before
``save()`` or ``delete()``, and django-simple-history writes it into the history row.

An anonymous user (a request without login, a management command, an API call made with a
token) is recorded as no user — the reason then says which path it was — never as
``AnonymousUser``, which simple-history cannot store.
"""

from __future__ import annotations


def history_user(user):
    """``user`` if it is a logged-in user, else None."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def record_change(instance, *, user=None, reason: str):
    """Set who (``user``) and why (``reason``) for the history row that the next save or
    delete of ``instance`` writes. Returns ``instance``."""
    instance._history_user = history_user(user)
    instance._change_reason = reason
    return instance


def save_recorded(instance, *, user=None, reason: str):
    """The writes of the services: validate ``instance`` (``full_clean``, so every rule the
    model states is checked on every path), record who and why, save. Returns ``instance``."""
    instance.full_clean()
    record_change(instance, user=user, reason=reason)
    instance.save()
    return instance
