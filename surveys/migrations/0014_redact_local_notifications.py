"""Messages the local backend kept before it redacted them lose their codes and links."""

from django.db import migrations

SECRETS = ("link", "access_code", "opt_out_link")


def redact(apps, schema_editor):
    LocalNotification = apps.get_model("surveys", "LocalNotification")
    kept = LocalNotification.objects.only("pk", "personalisation")
    for notification in kept.iterator(chunk_size=2000):
        personal = dict(notification.personalisation or {})
        if any(personal.get(key) not in ("", None, "[redacted]") for key in SECRETS):
            for key in SECRETS:
                if personal.get(key):
                    personal[key] = "[redacted]"
            LocalNotification.objects.filter(pk=notification.pk).update(personalisation=personal)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0013_response_references_in_one_pass")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
