"""Imports as a table (ACCESS.md, "Records: history, import and export"): for those who may create
customers; a job and its rows are seen and run only by the user who uploaded the file (404 to anyone
else, an admin included)."""

import pytest

from crm.imports import services
from crm.imports.models import ImportJob, ImportState

pytestmark = pytest.mark.django_db

# persona: may import (the upload page answers 200, else 403)
MAY_IMPORT = {
    "admin": True,
    "sales_manager": True,
    "support_manager": True,
    "sales_rep": True,
    "teammate": True,
    "support_rep": False,
}


@pytest.mark.parametrize(("persona", "allowed"), MAY_IMPORT.items(), ids=list(MAY_IMPORT))
def test_who_may_import(request, org, portal, persona, allowed):
    client = portal.as_user(request.getfixturevalue(persona))
    assert client.get("/imports/new/").status_code == (200 if allowed else 403)


@pytest.mark.parametrize("persona", [*MAY_IMPORT, "uploader"])
def test_a_job_is_seen_and_run_by_its_uploader_alone(request, org, portal, sales_rep, persona):
    job = services.import_check(acting_user=sales_rep, kind="customers", file_name="a.csv", content=b"name\nA\n")
    user = sales_rep if persona == "uploader" else request.getfixturevalue(persona)
    client = portal.as_user(user)
    expected = 200 if user == sales_rep else 404
    assert client.get(f"/imports/{job.pk}/").status_code == expected
    assert client.get(f"/imports/{job.pk}/not-imported.csv").status_code == expected
    listed = client.get("/imports/new/")
    if listed.status_code == 200:
        assert (f"/imports/{job.pk}/" in listed.content.decode()) is (user == sales_rep)
    if user != sales_rep:
        assert client.post(f"/imports/{job.pk}/run/").status_code in (403, 404)
        assert ImportJob.objects.get(pk=job.pk).state == ImportState.CHECKED
