from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Diarium")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cases.forms import clear_filter_choices
        from cases.models import Classification, ClassificationScheme, Register
        from members.models import Organisation

        for model in (Register, Classification, ClassificationScheme, Organisation):
            for signal in (post_save, post_delete):
                uid = f"case-filter-choices-{model.__name__}-{id(signal)}"
                signal.connect(clear_filter_choices, sender=model, dispatch_uid=uid)
