"""Error pages in Swedish: 400 (with a clear message when a form's text is over the upload
limit), 403, 404 and the CSRF failure page. Django's defaults render 400 without the request;
these render with it so the header shows who is logged in. 500.html is rendered by Django's
own server_error view without a context (it must not need the database); when the error is
the database being away, the answer is 503.html with Retry-After instead (``server_error``)."""

import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def bad_request(request, exception=None):
    from django.conf import settings

    if isinstance(exception, RequestDataTooBig):
        mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        message = _(
            "Texten är för lång för att skickas: högst {mb} MB kan tas emot. Inget har sparats."
        ).format(mb=f"{mb:.1f}".rstrip("0").rstrip(".").replace(".", ","))
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        message = _("Formuläret innehåller för många fält eller filer. Inget har sparats.")
    else:
        message = _("Begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen.")
    return render(request, "400.html", {"message": message}, status=400)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request):
    """500.html, or for a database that is away (restarting, unreachable) 503.html with
    ``Retry-After``: the request can succeed later and nothing was saved. Neither template
    needs the database or a context (the API answers its own JSON, insjoriket.api_errors)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
