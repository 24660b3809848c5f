from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Each app declares its job handlers and periodic jobs in a `job_handlers` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("job_handlers")
