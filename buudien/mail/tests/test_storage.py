import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_items_table_leaves_room_for_hot_updates():
    with connection.cursor() as c:
        c.execute("SELECT reloptions FROM pg_class WHERE relname = 'mail_postalitem'")
        assert "fillfactor=50" in (c.fetchone()[0] or [])
