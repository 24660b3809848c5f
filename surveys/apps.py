from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys and responses"

    def ready(self) -> None:
        from . import signals

        # After every migrate (and every flush, which sends the same signal), the
        # standard's questions and options are in the database.
        post_migrate.connect(signals.install_standard_after_migrate, sender=self)
