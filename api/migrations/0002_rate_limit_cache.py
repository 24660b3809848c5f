"""The table of the API's rate-limit cache (CACHES["api"], a DatabaseCache).

Made here, with the other tables, so that `migrate` (which `make run`, `make test`
and every deployment run) is all a new database needs: no `createcachetable` by hand.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    from django.conf import settings

    location = settings.CACHES.get("api", {}).get("LOCATION")
    if location:
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(location)}")


class Migration(migrations.Migration):
    dependencies = [("api", "0001_tokens")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
