"""django-axes (login lockout) under a Swedish name in the admin: its app is otherwise titled
"AXES". The label stays ``axes``, so its tables and settings are unchanged."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Inloggningsskydd")
