"""How a signer proves, at the moment of approving a protocol, that it is they (the second
factor of a digital justering, rule 37; docs/justering.md).

``SignatureMethod`` is the interface: one method, ``verify(user, request_data)``, answering
whether the data sent with the approval (the form's fields) proves that ``user`` is present.
``TotpMethod`` (a six-digit code from an authenticator app, django-otp's TOTP devices) is the
first; an eID (BankID, Freja eID, a SITHS card) is another implementation of the same
interface, and the approval service (``justering.approve``) takes only its answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from django_otp.plugins.otp_totp.models import TOTPDevice


class SignatureMethod(Protocol):
    """A second factor for approving a protocol."""

    #: What the approval form asks for, shown to the signer.
    label: str

    def verify(self, user, request_data: Mapping[str, str]) -> bool:
        """Whether ``request_data`` proves that ``user`` approves now."""
        ...


class TotpMethod:
    """A six-digit time-based code (RFC 6238) from one of the user's confirmed TOTP devices,
    given in the field ``code``. A code is accepted once (django-otp remembers the last time
    step used), so a code seen over someone's shoulder cannot be replayed."""

    label = "Engångskod från autentiseringsappen (6 siffror)"

    def verify(self, user, request_data: Mapping[str, str]) -> bool:
        code = "".join(str(request_data.get("code", "")).split())
        if not (user and user.is_authenticated and code.isdigit() and len(code) == 6):
            return False
        return any(
            device.verify_token(code)
            for device in TOTPDevice.objects.devices_for_user(user, confirmed=True)
        )

    def has_device(self, user) -> bool:
        return bool(
            user
            and user.is_authenticated
            and TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        )


def signature_method() -> TotpMethod:
    """The method the approval pages use."""
    return TotpMethod()
