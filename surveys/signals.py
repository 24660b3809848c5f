from typing import Any

from django.apps import AppConfig


def install_standard_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    from .services import standard_install

    standard_install(using=kwargs.get("using", "default"))
