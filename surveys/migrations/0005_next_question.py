"""Fill in the route's next question for responses that existed before it was kept."""

from django.db import migrations

from seb.routing import route
from seb.standard import QUESTION_KEYS, load_standard


def fill_next_question(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    for response in Response.objects.exclude(status="complete").iterator():
        answers = {key: getattr(response, key) for key in QUESTION_KEYS}
        walked = route(load_standard(response.standard_version), response.mode, answers)
        response.next_question = walked.next_question or ""
        response.save(update_fields=["next_question"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0004_fieldwork")]

    operations = [migrations.RunPython(fill_next_question, migrations.RunPython.noop)]
