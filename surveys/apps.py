from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys and responses"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
