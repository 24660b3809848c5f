from django.db import models


class OutputAccess(models.Model):
    """Holds the permission to see unrounded output; it has no table of its own.

    Analysts see tables with disclosure control applied. Only users who also
    hold `classification.view_unrounded` may see unrounded tables or download
    the microdata.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_unrounded", "Can see unrounded tables and microdata")]

    def __str__(self) -> str:
        return "Access to unrounded output"
