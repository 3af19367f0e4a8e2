"""Error pages in Swedish: 400 (with a clear message when a form's text is over the upload
limit), 403, 404 and the CSRF failure page. Django's defaults render 400 without the request;
these render with it so the header shows who is logged in. 500.html is rendered by Django's
own server_error view without a context (it must not need the database)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render
from django.utils.translation import gettext as _


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
