"""Case.phone_mobile: whether a case's phone number is a mobile (only mobiles get
text messages), the phones already loaded classified; letter rounds (ContactRound.letters,
a message's channel "letter")."""

from typing import Any

from django.db import migrations, models


def classify(apps: Any, schema_editor: Any) -> None:
    from seb.phones import phone_classify

    Case = apps.get_model("surveys", "Case")
    mobiles = [
        pk
        for pk, phone in Case.objects.exclude(phone="").values_list("pk", "phone").iterator()
        if phone_classify(phone).mobile
    ]
    for start in range(0, len(mobiles), 5_000):
        Case.objects.filter(pk__in=mobiles[start : start + 5_000]).update(phone_mobile=True)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0019_queue")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="phone_mobile",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
        migrations.AddField(
            model_name="contactround",
            name="letters",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="message",
            name="channel",
            field=models.CharField(
                choices=[("email", "Email"), ("sms", "Text message"), ("letter", "Letter")],
                max_length=10,
            ),
        ),
    ]
