from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Organisationer och förtroendevalda")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from insjoriket import db_roles

        connection_created.connect(db_roles.on_connection_created, dispatch_uid="insjoriket-role")
        # Once per migrate, after every app's migrations: grants and audit triggers follow.
        post_migrate.connect(db_roles.after_migrate, sender=self, dispatch_uid="insjoriket-grants")
