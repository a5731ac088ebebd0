"""A remittance's payment code is kept as its keyed hash only: the codes already issued are
hashed (the same hash ``services.code_hash`` makes), then the plain column goes."""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models


def hash_codes(apps, schema_editor):
    Remittance = apps.get_model("agency", "Remittance")
    if "secret_code" not in {field.name for field in Remittance._meta.get_fields()}:
        return  # a database made from today's models has no plain codes to hash
    key = settings.SECRET_KEY.encode()
    for pk, reference, code in (
        Remittance.objects.exclude(secret_code="").values_list("pk", "reference", "secret_code")
    ):
        digest = hmac.new(key, f"remittance:{reference}:{code}".encode(), hashlib.sha256)
        Remittance.objects.filter(pk=pk).update(secret_hash=digest.hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="remittance",
            name="secret_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="payment code (hash)"),
        ),
        migrations.AddField(
            model_name="remittance",
            name="wrong_tries",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="wrong codes tried"),
        ),
        migrations.RunPython(hash_codes, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="remittance",
            name="secret_code",
        ),
    ]
