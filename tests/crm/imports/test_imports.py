"""CSV import: the dry run reports exactly the bad rows and writes nothing; the run (a Celery task)
imports the rest in batches with their audit entries; owners follow the API's rules; a killed or
failed run leaves no partial batch and resumes without duplicates; progress and error CSV."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from crm.customers.models import Contact, Customer
from crm.imports import services
from crm.imports.models import ImportJob, ImportRowError, ImportState
from crm.platform.audit.models import AuditEntry, AuditVia
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# Bad rows of every kind the API refuses, each with the field it is refused on.
BAD_ROWS = [
    ({"name": "Bad email", "email": "not-an-address"}, "email"),
    ({"name": "", "email": "noname@example.com"}, "name"),
    ({"name": "N" * 201, "email": "long@example.com"}, "name"),
    ({"name": "Long phone", "phone": "1" * 51}, "phone"),
    ({"name": "Not mine to give", "owner": "teammate"}, "owner"),
]


def csv_file(rows: list[dict], columns=("name", "email", "phone", "industry", "owner")) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in columns})
    return out.getvalue().encode()


def ten_thousand_rows():
    """10,000 rows, 3% of them bad (rows 7, 33 and 66 of each hundred); returns the rows and {bad line: field}."""
    rows, bad_lines = [], {}
    for n in range(10_000):
        if n % 100 in (7, 33, 66):
            bad, field = BAD_ROWS[(n // 100 + n) % len(BAD_ROWS)]
            rows.append(dict(bad))
            bad_lines[n + 2] = field  # the header is line 1
        else:
            rows.append({"name": f"Imported {n:05d}", "email": f"imported{n}@example.com", "phone": "+1 555 0100"})
    return rows, bad_lines


def upload(client, content: bytes, kind="customers"):
    return client.post(
        "/imports/new/", {"kind": kind, "file": SimpleUploadedFile("import.csv", content, content_type="text/csv")}
    )


def test_ten_thousand_rows_with_three_percent_bad(org, portal, sales_rep, django_capture_on_commit_callbacks):
    rows, bad_lines = ten_thousand_rows()
    client = portal.as_user(sales_rep)
    customers_before, entries_before = Customer.objects.count(), AuditEntry.objects.count()

    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, csv_file(rows))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.state, job.checked_rows) == (ImportState.CHECKING, 0)  # the request stored the file, no more
    assert len(queued) == 1
    queued[0]()  # the dry run's task (in-process without a broker)
    job.refresh_from_db()
    # The dry run: exactly the bad rows, and nothing written but the job.
    assert (job.state, job.total_rows, job.error_rows) == (ImportState.CHECKED, 10_000, 300)
    assert {error["line"]: "".join(error["messages"]) for error in job.dry_run_errors} == bad_lines
    assert (Customer.objects.count(), AuditEntry.objects.count()) == (customers_before, entries_before)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="dry-run-errors">300<' in page

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/imports/{job.pk}/run/").status_code == 302
    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.imported_rows, job.error_rows) == (ImportState.DONE, 10_000, 9_700, 300)
    imported = Customer.objects.filter(name__startswith="Imported ")
    assert imported.count() == 9_700
    assert set(imported.values_list("owner", flat=True)) == {sales_rep.pk}
    assert set(ImportRowError.objects.filter(job=job).values_list("line", flat=True)) == set(bad_lines)
    entries = AuditEntry.objects.filter(record_type="customer", action=AuditEntry.Action.CREATE, id__gt=entries_before)
    assert entries.count() == 9_700
    assert set(entries.values_list("actor", "via")) == {(sales_rep.pk, AuditVia.IMPORT)}
    sample = entries.get(object_id=imported.get(name="Imported 00000").pk)
    assert sample.changes["email"] == ["None", "imported0@example.com"]

    not_imported = b"".join(client.get(f"/imports/{job.pk}/not-imported.csv").streaming_content).decode()
    lines = list(csv.reader(io.StringIO(not_imported.lstrip("\ufeff"), newline="")))
    assert lines[0] == ["line", "name", "email", "phone", "industry", "owner", "errors"]
    assert {int(line[0]) for line in lines[1:]} == set(bad_lines)


# Who names which owner (ACCESS.md "create"): (importer, owner cell, refused?).
OWNER_RULES = [
    ("sales_rep", "", False),
    ("sales_rep", "sales_rep", False),
    ("sales_rep", "teammate", True),
    ("sales_manager", "", False),
    ("sales_manager", "teammate", False),
    ("sales_manager", "other_rep", True),
    ("admin", "", True),
    ("admin", "other_rep", False),
    ("admin", "support_rep", True),
    ("admin", "nobody-by-this-name", True),
]


@pytest.mark.parametrize(("importer", "owner", "refused"), OWNER_RULES)
def test_owners_follow_the_api_rules(request, org, importer, owner, refused):
    user = request.getfixturevalue(importer)
    content = csv_file([{"name": "Owned Co", "owner": owner}])
    job = services.import_check(acting_user=user, kind="customers", file_name="o.csv", content=content)
    assert job.error_rows == (1 if refused else 0)
    services.import_run(job_id=job.pk)
    created = Customer.objects.filter(name="Owned Co").first()
    if refused:
        assert created is None
    else:
        assert created.owner.username == (owner or importer)


def test_the_import_page_is_for_those_who_may_create_customers(org, portal, support_rep, sales_rep):
    assert portal.as_user(support_rep).get("/imports/new/").status_code == 403
    assert upload(portal.as_user(support_rep), csv_file([{"name": "X"}])).status_code == 403
    assert portal.as_user(sales_rep).get("/imports/new/").status_code == 200
    assert 'data-testid="import-link"' in portal.as_user(sales_rep).get("/customers/").content.decode()
    assert 'data-testid="import-link"' not in portal.as_user(support_rep).get("/customers/").content.decode()


def test_a_job_is_its_uploaders_alone(org, portal, sales_rep, teammate, sales_manager):
    job = services.import_check(acting_user=sales_rep, kind="customers", file_name="a.csv", content=b"name\nA\n")
    for other in (teammate, sales_manager):
        client = portal.as_user(other)
        assert client.get(f"/imports/{job.pk}/").status_code == 404
        assert client.post(f"/imports/{job.pk}/run/").status_code == 404
        assert client.get(f"/imports/{job.pk}/not-imported.csv").status_code == 404
    assert ImportJob.objects.get(pk=job.pk).state == ImportState.CHECKED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,colour\nA,red\n", "Unknown columns: colour"),
        (b"email\na@example.com\n", "Missing columns: name"),
        (b"\xff\xfename\n", "UTF-8"),
        (b"name,email\n", "no rows"),
        (b"name\nA\x00B\n", "not a text file"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_whole(org, portal, sales_rep, content, message):
    response = upload(portal.as_user(sales_rep), content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_export_imports_as_it_is(org, portal, sales_rep, other_rep):
    CustomerFactory(name="=cmd|' /C calc'!A0", email="formula@example.com", owner=sales_rep, phone="+1 555")
    client = portal.as_user(sales_rep)
    exported = b"".join(client.get("/customers/export.csv").streaming_content)
    Customer.objects.all().delete()
    job = services.import_check(acting_user=sales_rep, kind="customers", file_name="e.csv", content=exported)
    services.import_run(job_id=job.pk)
    restored = Customer.objects.get()
    assert (restored.name, restored.phone, restored.owner) == ("=cmd|' /C calc'!A0", "+1 555", sales_rep)


class TestContacts:
    def test_contacts_go_to_customers_the_user_may_change(self, org, sales_rep, other_rep, teammate):
        mine = CustomerFactory(owner=sales_rep)
        shared_to_view = CustomerFactory(owner=other_rep)
        share(shared_to_view, level="view", user=sales_rep)
        invisible = CustomerFactory(owner=teammate)
        Contact.objects.create(customer=mine, first_name="Old", email="known@example.com")
        rows = [
            {"customer": mine.pk, "first_name": "Ann", "email": "ann@example.com"},
            {"customer": mine.pk, "first_name": "Again", "email": "KNOWN@example.com"},
            {"customer": shared_to_view.pk, "first_name": "Viewer"},
            {"customer": invisible.pk, "first_name": "Hidden"},
            {"customer": "abc", "first_name": "Typo"},
            {"customer": mine.pk, "first_name": ""},
        ]
        content = csv_file(rows, columns=("customer", "first_name", "last_name", "email", "phone"))
        job = services.import_check(acting_user=sales_rep, kind="contacts", file_name="c.csv", content=content)
        refused = {error["line"]: error["messages"] for error in job.dry_run_errors}
        assert set(refused) == {4, 5, 6, 7}
        assert refused[4] == {"row": ["You may view this customer but not change it."]}
        assert refused[5] == {"customer": [f'Invalid pk "{invisible.pk}" - object does not exist.']}
        assert refused[6] == {"customer": ['No customer you may change has the name or e-mail "abc".']}
        assert set(refused[7]) == {"first_name"}
        assert job.skipped_rows == 1
        services.import_run(job_id=job.pk)
        names = Contact.objects.filter(customer=mine).order_by("first_name").values_list("first_name", flat=True)
        assert list(names) == ["Ann", "Old"]
        assert not Contact.objects.filter(first_name__in=["Viewer", "Hidden", "Typo"]).exists()


def crash_after(monkeypatch, batches: int, crash=RuntimeError):
    """Let `batches` batches commit, then fail the next one after its records are written."""
    calls = {"n": 0}
    real = services._save_new_records

    def save_then_maybe_crash(kind, records):
        saved = real(kind, records)
        calls["n"] += 1
        if calls["n"] > batches:
            raise crash("the worker died")
        return saved

    monkeypatch.setattr(services, "_save_new_records", save_then_maybe_crash)


class WorkerKilled(BaseException):
    """Like SIGKILL: nothing in the task gets to record that it stopped."""


class TestKilledImports:
    @pytest.fixture(autouse=True)
    def _batches_of_100(self, settings):
        settings.CRM_IMPORT_BATCH_SIZE = 100

    def rows(self):
        rows, bad_lines = [], set()
        for n in range(1_000):
            if n % 50 == 0:
                rows.append({"name": "", "email": f"bad{n}@example.com"})
                bad_lines.add(n + 2)
            else:
                rows.append({"name": f"Resumed {n:04d}", "email": f"resumed{n}@example.com"})
        return rows, bad_lines

    def test_a_failed_run_keeps_whole_batches_and_resumes_without_duplicates(
        self, org, portal, sales_rep, monkeypatch, django_capture_on_commit_callbacks
    ):
        rows, bad_lines = self.rows()
        job = services.import_check(acting_user=sales_rep, kind="customers", file_name="k.csv", content=csv_file(rows))
        crash_after(monkeypatch, batches=3)
        services.import_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.state, job.processed_rows) == (ImportState.FAILED, 300)
        assert "the worker died" in job.failure
        assert Customer.objects.filter(name__startswith="Resumed").count() == 294  # 3 whole batches, 2 bad rows each
        assert AuditEntry.objects.filter(record_type="customer", via=AuditVia.IMPORT).count() == 294
        assert ImportRowError.objects.filter(job=job).count() == 6

        monkeypatch.undo()
        client = portal.as_user(sales_rep)
        page = client.get(f"/imports/{job.pk}/").content.decode()
        assert "Resume the import" in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{job.pk}/run/")
        job.refresh_from_db()
        assert (job.state, job.processed_rows, job.imported_rows, job.error_rows) == (ImportState.DONE, 1_000, 980, 20)
        emails = list(Customer.objects.filter(name__startswith="Resumed").values_list("email", flat=True))
        assert len(emails) == len(set(emails)) == 980
        assert set(ImportRowError.objects.filter(job=job).values_list("line", flat=True)) == bad_lines

    def test_a_killed_worker_leaves_no_partial_batch_and_the_redelivered_task_resumes(
        self, org, sales_rep, monkeypatch
    ):
        from crm.imports import tasks

        rows, _bad_lines = self.rows()
        job = services.import_check(acting_user=sales_rep, kind="customers", file_name="k.csv", content=csv_file(rows))
        crash_after(monkeypatch, batches=5, crash=WorkerKilled)
        with pytest.raises(WorkerKilled):
            tasks.run_import.apply(args=[job.pk], throw=True)
        job.refresh_from_db()
        assert (job.state, job.processed_rows) == (ImportState.RUNNING, 500)  # nobody said it stopped
        assert Customer.objects.filter(name__startswith="Resumed").count() == 490
        # Someone adds one of the remaining customers by hand meanwhile: the import skips it.
        CustomerFactory(name="By hand", email="resumed999@example.com", owner=sales_rep)

        monkeypatch.undo()
        assert tasks.run_import.apply(args=[job.pk]).get() == ImportState.DONE  # acks_late: delivered again
        job.refresh_from_db()
        assert (job.processed_rows, job.imported_rows, job.skipped_rows) == (1_000, 979, 1)
        emails = list(Customer.objects.values_list("email", flat=True))
        assert len(emails) == len(set(emails))

    def test_a_stalled_job_may_be_resumed_by_its_user(self, org, sales_rep):
        job = services.import_check(acting_user=sales_rep, kind="customers", file_name="s.csv", content=b"name\nA\n")
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
        job.refresh_from_db()
        assert not services.may_start(job)
        with override_settings(CRM_IMPORT_STALLED_AFTER_SECONDS=-1):
            assert services.may_start(job)


def test_the_progress_fragment_polls_while_running_and_stops_when_done(org, portal, sales_rep):
    job = services.import_check(acting_user=sales_rep, kind="customers", file_name="p.csv", content=b"name\nA\nB\n")
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, processed_rows=1)
    client = portal.as_user(sales_rep)
    running = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert running.lstrip().startswith('<article id="import-progress"')
    assert 'hx-trigger="every 1s"' in running
    assert '<progress value="1" max="2"' in running
    services.import_run(job_id=job.pk)
    done = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    assert 'data-state="done"' in done


@pytest.mark.parametrize(
    "fetch",
    [
        lambda client, job: client.get("/imports/new/"),
        lambda client, job: client.get(f"/imports/{job.pk}/"),
        lambda client, job: client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true"),
        lambda client, job: client.get(f"/imports/{job.pk}/not-imported.csv"),
    ],
    ids=["upload page", "job page", "progress fragment", "error csv"],
)
def test_import_pages_cost_the_same_queries_for_a_small_or_large_file(org, portal, sales_rep, fetch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = portal.as_user(sales_rep)

    def count(rows):
        content = csv_file([{"name": "", "email": f"x{n}@example.com"} for n in range(rows)])
        job = services.import_check(acting_user=sales_rep, kind="customers", file_name="b.csv", content=content)
        services.import_run(job_id=job.pk)
        with CaptureQueriesContext(connection) as captured:
            response = fetch(client, job)
            assert response.status_code == 200
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured)

    small = count(10)
    large = count(1_000)
    assert small == large
    assert large <= 10
