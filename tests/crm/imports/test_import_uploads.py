"""CSV import uploads: streamed to disk with the size limit enforced before the file is read whole; the
dry run in the background with its progress; one dry run or import in flight per user (race-safe);
contacts naming their customer by id, name or e-mail; no "Run the import" when nothing would be
imported; odd files (CR-only lines, huge fields, encodings, BOM, empty, NUL) a clear error or imported.
All through the portal's URLs, as the personas who use them."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client
from django.utils import timezone

from crm.customers.models import Contact, Customer
from crm.imports import services
from crm.imports.models import ImportJob, ImportState
from tests.crm.scenario import share
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def csv_bytes(rows, columns=("name", "email")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, content: bytes, kind="customers", name="import.csv"):
    return client.post("/imports/new/", {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")})


def upload_and_check(client, content: bytes, capture, kind="customers"):
    """Upload, then run the queued dry run (as a worker would; in-process without a broker)."""
    with capture(execute=True):
        response = upload(client, content, kind=kind)
    return response


@pytest.fixture
def written_to_disk(monkeypatch):
    """The bytes the temporary-file upload handler received (and wrote to disk)."""
    received = {"bytes": 0}
    real = TemporaryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        received["bytes"] += len(raw_data)
        return real(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counting)
    return received


class TestUploadSize:
    @pytest.fixture(autouse=True)
    def _limit(self, settings):
        settings.CRM_IMPORT_MAX_BYTES = 100_000

    def test_a_body_declared_too_large_is_refused_before_any_of_it_is_read(
        self, org, portal, sales_rep, written_to_disk
    ):
        content = b"name\n" + b"A very large file\n" * 20_000  # 360 KB, well past the limit and its form overhead
        response = upload(portal.as_user(sales_rep), content)
        assert response.status_code == 413
        assert "The file is larger than 100,000 bytes" in response.content.decode()
        assert written_to_disk["bytes"] == 0
        assert not ImportJob.objects.exists()

    def test_a_file_past_the_limit_is_stopped_at_the_first_chunk_past_it(self, org, portal, sales_rep, written_to_disk):
        content = b"name\n" + b"Row\n" * 30_000  # 120 KB: the Content-Length is within the limit plus the form's room
        response = upload(portal.as_user(sales_rep), content)
        assert response.status_code == 413
        assert "The file is larger than 100,000 bytes" in response.content.decode()
        assert 0 < written_to_disk["bytes"] <= 100_000  # what passed the limit was never written
        assert not ImportJob.objects.exists()

    def test_a_file_within_the_limit_is_streamed_to_a_temporary_file(
        self, org, portal, sales_rep, written_to_disk, monkeypatch
    ):
        seen = []
        real = services.import_upload

        def spy(**kwargs):
            seen.append(type(kwargs["upload"]))
            return real(**kwargs)

        monkeypatch.setattr(services, "import_upload", spy)
        content = b"name\n" + b"Row\n" * 20_000  # 80 KB
        response = upload(portal.as_user(sales_rep), content)
        assert response.status_code == 302
        assert seen == [TemporaryUploadedFile]  # on disk, not in memory, whatever the size
        assert written_to_disk["bytes"] == len(content)
        assert ImportJob.objects.get().state == ImportState.CHECKING

    def test_the_upload_still_checks_csrf(self, org, sales_rep):
        client = Client(enforce_csrf_checks=True)
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        assert upload(client, b"name\nA\n").status_code == 403
        assert not ImportJob.objects.exists()


# Who may upload (ACCESS.md: those who may create customers), even a body declared too large.
UPLOADERS = [("sales_rep", 302), ("sales_manager", 302), ("admin", 302), ("support_rep", 403)]


@pytest.mark.parametrize(("persona", "status"), UPLOADERS)
@pytest.mark.parametrize("size", ["small", "too large"])
def test_who_may_upload(request, org, portal, settings, persona, status, size):
    settings.CRM_IMPORT_MAX_BYTES = 1_000
    content = b"name,owner\nA,other_rep\n" if size == "small" else b"name\n" + b"X\n" * 40_000
    response = upload(portal.as_user(request.getfixturevalue(persona)), content)
    expected = status if status == 403 or size == "small" else 413
    assert response.status_code == expected
    assert ImportJob.objects.count() == (1 if expected == 302 else 0)


def test_an_anonymous_upload_goes_to_the_log_in_page(db, client):
    response = upload(client, b"name\nA\n")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")
    assert not ImportJob.objects.exists()


class TestDryRunInTheBackground:
    def test_the_request_stores_the_file_and_the_task_checks_it_batch_by_batch(
        self, org, portal, sales_rep, settings, monkeypatch, django_capture_on_commit_callbacks
    ):
        settings.CRM_IMPORT_BATCH_SIZE = 100
        progress = []
        real = services.check_rows

        def spy(**kwargs):
            progress.append(ImportJob.objects.values_list("state", "checked_rows", "total_rows").get())
            return real(**kwargs)

        monkeypatch.setattr(services, "check_rows", spy)
        rows = [(f"Row {n}", f"row{n}@example.com" if n % 10 else "bad") for n in range(1_000)]
        client = portal.as_user(sales_rep)
        with django_capture_on_commit_callbacks() as queued:
            response = upload(client, csv_bytes(rows))
        assert response.status_code == 302
        assert progress == []  # no row was checked in the web request
        job = ImportJob.objects.get()
        page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        assert 'data-state="checking"' in page
        assert 'hx-trigger="every 1s"' in page
        assert 'data-testid="run-import"' not in page

        queued[0]()  # the worker
        assert progress == [("checking", n, 1_000) for n in range(0, 1_000, 100)]
        job.refresh_from_db()
        assert (job.state, job.checked_rows, job.error_rows) == (ImportState.CHECKED, 1_000, 100)
        assert not Customer.objects.filter(name__startswith="Row ").exists()
        page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        assert "hx-trigger" not in page
        assert 'data-testid="dry-run-table"' in page  # the polled fragment brings the table when it is done
        assert 'data-testid="run-import"' in page

    def test_the_progress_shows_while_the_dry_run_runs(self, org, portal, sales_rep):
        client = portal.as_user(sales_rep)
        upload(client, csv_bytes([("A", ""), ("B", "")]))
        job = ImportJob.objects.get()
        ImportJob.objects.filter(pk=job.pk).update(total_rows=1_000, checked_rows=300, error_rows=7)
        page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
        assert '<progress value="300" max="1000"' in page
        assert "300 of 1000 rows checked (30%), 7 would be refused so far" in page

    def test_a_file_error_the_dry_run_finds_later_in_the_file_is_shown_on_the_job(
        self, org, portal, sales_rep, django_capture_on_commit_callbacks
    ):
        content = b"name\nFine\nAlso fine\n" + b'"' + b"x" * 140_000 + b'"\n'
        client = portal.as_user(sales_rep)
        response = upload_and_check(client, content, django_capture_on_commit_callbacks)
        job = ImportJob.objects.get()
        assert job.state == ImportState.FAILED
        page = client.get(response["Location"]).content.decode()
        assert "The file cannot be imported: A cell (or a header) is longer than 131,072 characters" in page
        assert 'data-testid="run-import"' not in page
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{job.pk}/run/")
        job.refresh_from_db()
        assert (job.state, Customer.objects.count()) == (ImportState.FAILED, 0)


IN_FLIGHT = ["checking", "queued", "running"]
SETTLED = ["checked", "done", "failed"]


def existing_job(user, state) -> ImportJob:
    job = services.import_check(acting_user=user, kind="customers", file_name="first.csv", content=b"name\nFirst\n")
    ImportJob.objects.filter(pk=job.pk).update(state=state)
    return job


class TestOneAtATime:
    @pytest.mark.parametrize("state", IN_FLIGHT + SETTLED)
    def test_a_second_upload(self, org, portal, sales_rep, state):
        first = existing_job(sales_rep, state)
        response = upload(portal.as_user(sales_rep), csv_bytes([("Second", "")]), name="second.csv")
        if state in IN_FLIGHT:
            assert response.status_code == 400
            assert f"You already have an import under way: &quot;first.csv&quot; (import {first.pk})" in (
                response.content.decode()
            )
            assert ImportJob.objects.count() == 1
        else:
            assert response.status_code == 302
            assert ImportJob.objects.count() == 2
        assert ImportJob.objects.get(pk=first.pk).state == state

    @pytest.mark.parametrize("state", IN_FLIGHT + SETTLED)
    def test_running_a_checked_job_while_another_is(
        self, org, portal, sales_rep, state, django_capture_on_commit_callbacks
    ):
        first = existing_job(sales_rep, state)
        second = (
            services.import_check(
                acting_user=sales_rep, kind="customers", file_name="second.csv", content=b"name\nSecond\n"
            )
            if state not in IN_FLIGHT
            else None
        )
        if second is None:  # the upload is refused while the first is in flight: make the checked job directly
            ImportJob.objects.filter(pk=first.pk).update(state=ImportState.DONE)
            second = services.import_check(
                acting_user=sales_rep, kind="customers", file_name="second.csv", content=b"name\nSecond\n"
            )
            ImportJob.objects.filter(pk=first.pk).update(state=state)
        client = portal.as_user(sales_rep)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/imports/{second.pk}/run/", follow=True)
        second.refresh_from_db()
        if state in IN_FLIGHT:
            assert "You already have an import under way" in response.content.decode()
            assert second.state == ImportState.CHECKED
            assert not Customer.objects.filter(name="Second").exists()
        else:
            assert second.state == ImportState.DONE
            assert Customer.objects.filter(name="Second").exists()

    def test_the_database_refuses_a_second_job_in_flight_whatever_the_race(self, org, portal, sales_rep, monkeypatch):
        first = existing_job(sales_rep, "running")
        real = services._in_flight
        calls = {"n": 0}

        def blind_first_look(user, *, but=None):  # as if the other request had not committed yet
            calls["n"] += 1
            return None if calls["n"] <= 2 else real(user, but=but)  # the checks before and after reading the file

        monkeypatch.setattr(services, "_in_flight", blind_first_look)
        response = upload(portal.as_user(sales_rep), csv_bytes([("Second", "")]))
        assert response.status_code == 400
        assert f"(import {first.pk})" in response.content.decode()
        assert ImportJob.objects.count() == 1

    def test_a_stalled_job_does_not_block_its_user_for_ever(self, org, portal, sales_rep, settings):
        first = existing_job(sales_rep, "running")
        ImportJob.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(hours=1))
        assert upload(portal.as_user(sales_rep), csv_bytes([("Second", "")])).status_code == 302
        first.refresh_from_db()
        assert (first.state, first.failure) == (ImportState.FAILED, services.STALLED_FAILURE)
        assert services.may_start(first)  # its dry run was done: it may be resumed later

    def test_another_users_job_does_not_count(self, org, portal, sales_rep, teammate):
        existing_job(teammate, "running")
        assert upload(portal.as_user(sales_rep), csv_bytes([("Mine", "")])).status_code == 302


class TestNothingToImport:
    def test_no_run_is_offered_when_every_row_would_be_refused(
        self, org, portal, sales_rep, django_capture_on_commit_callbacks
    ):
        client = portal.as_user(sales_rep)
        response = upload_and_check(
            client, csv_bytes([("", "a@example.com"), ("B", "bad")]), django_capture_on_commit_callbacks
        )
        job = ImportJob.objects.get()
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="nothing-to-import"' in page
        assert 'data-testid="run-import"' not in page
        response = client.post(f"/imports/{job.pk}/run/", follow=True)
        assert "there is nothing to import" in response.content.decode()
        job.refresh_from_db()
        assert job.state == ImportState.CHECKED

    def test_nor_when_every_row_is_already_there(self, org, portal, sales_rep, django_capture_on_commit_callbacks):
        CustomerFactory(owner=sales_rep, email="known@example.com")
        client = portal.as_user(sales_rep)
        response = upload_and_check(
            client, csv_bytes([("Known", "KNOWN@example.com")]), django_capture_on_commit_callbacks
        )
        assert 'data-testid="run-import"' not in client.get(response["Location"]).content.decode()

    def test_one_good_row_is_enough(self, org, portal, sales_rep, django_capture_on_commit_callbacks):
        client = portal.as_user(sales_rep)
        response = upload_and_check(
            client, csv_bytes([("", "a@example.com"), ("Good", "")]), django_capture_on_commit_callbacks
        )
        assert 'data-testid="run-import"' in client.get(response["Location"]).content.decode()


class TestContactsByCustomer:
    @pytest.fixture
    def customers(self, org, sales_rep, other_rep, teammate):
        return {
            "mine": CustomerFactory(name="Maple Clinics", email="desk@maple.example", owner=sales_rep),
            "twin a": CustomerFactory(name="Twin Co", email="a@twin.example", owner=sales_rep),
            "twin b": CustomerFactory(name="twin co", email="b@twin.example", owner=sales_rep),
            "viewed": CustomerFactory(name="Viewed Only", email="v@viewed.example", owner=other_rep),
            "hidden": CustomerFactory(name="Hidden Ltd", email="h@hidden.example", owner=other_rep),
            "same name, viewed": CustomerFactory(name="Shared Name", owner=other_rep),
            "same name, mine": CustomerFactory(name="Shared Name", owner=sales_rep),
        }

    # (customer cell, the customer it means, or the error the row gets)
    CASES = [
        ("{mine.pk}", "mine", None),
        ("Maple Clinics", "mine", None),
        ("  maple CLINICS ", "mine", None),
        ("DESK@maple.example", "mine", None),
        ("Twin Co", None, '2 customers you may change have the name or e-mail "Twin Co"'),
        ("a@twin.example", "twin a", None),
        ("Viewed Only", None, "You may view this customer but not change it."),
        ("Hidden Ltd", None, 'No customer you may change has the name or e-mail "Hidden Ltd".'),
        ("h@hidden.example", None, 'No customer you may change has the name or e-mail "h@hidden.example".'),
        ("Nobody at all", None, 'No customer you may change has the name or e-mail "Nobody at all".'),
        ("Shared Name", "same name, mine", None),  # only the one the uploader may change counts
    ]

    @pytest.mark.parametrize(("cell", "meant", "error"), CASES)
    def test_a_contact_names_its_customer_by_id_name_or_email(
        self, portal, sales_rep, other_rep, customers, cell, meant, error, django_capture_on_commit_callbacks
    ):
        share(customers["viewed"], level="view", user=sales_rep)
        share(customers["same name, viewed"], level="view", user=sales_rep)
        content = csv_bytes([(cell.format(**customers), "Pat", "pat@example.com")], ("customer", "first_name", "email"))
        client = portal.as_user(sales_rep)
        upload_and_check(client, content, django_capture_on_commit_callbacks, kind="contacts")
        job = ImportJob.objects.get()
        assert job.state == ImportState.CHECKED
        if error:
            assert error in str(job.dry_run_errors[0]["messages"])
            assert 'data-testid="run-import"' not in client.get(f"/imports/{job.pk}/").content.decode()
        else:
            assert job.error_rows == 0
            with django_capture_on_commit_callbacks(execute=True):
                client.post(f"/imports/{job.pk}/run/")
            assert Contact.objects.get(first_name="Pat").customer == customers[meant]
        if error:
            assert not Contact.objects.filter(first_name="Pat").exists()

    def test_a_manager_names_a_team_members_customer(
        self, portal, sales_manager, customers, django_capture_on_commit_callbacks
    ):
        content = csv_bytes([("Maple Clinics", "Lee")], ("customer", "first_name"))
        client = portal.as_user(sales_manager)
        upload_and_check(client, content, django_capture_on_commit_callbacks, kind="contacts")
        job = ImportJob.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/{job.pk}/run/")
        assert Contact.objects.get(first_name="Lee").customer == customers["mine"]


# Odd files: (content, the error the upload answers, or None: imported, with the names it holds).
ODD_FILES = {
    "CR-only line endings": (b"name,email\rMac One,one@example.com\rMac Two,\r", None, ["Mac One", "Mac Two"]),
    "CRLF line endings": (b"name\r\nWin One\r\nWin Two\r\n", None, ["Win One", "Win Two"]),
    "a BOM": (b"\xef\xbb\xbfname,email\nBom Co,bom@example.com\n", None, ["Bom Co"]),
    "quoted cells, CR-only": (b'name,industry\r"Comma, Co","A;B"\r', None, ["Comma, Co"]),
    "a header over 128 KiB": (b"name," + b"h" * 140_000 + b"\nA,B\n", "longer than 131,072 characters", None),
    "a quoted header over 128 KiB": (b'name,"' + b"h" * 140_000 + b'"\nA,B\n', "longer than 131,072 characters", None),
    "Latin-1 bytes": ("name\nCafé\n".encode("latin-1"), "Save the file as CSV in UTF-8", None),
    "UTF-16": ("name\nA\n".encode("utf-16"), "Save the file as CSV in UTF-8", None),
    "an empty file": (b"", "The submitted file is empty.", None),
    "blank lines only": (b"\n\n\r\n", "The file is empty", None),
    "a header only": (b"name,email\r\n", "The file has no rows to import.", None),
    "a BOM and a header only": (b"\xef\xbb\xbfname\n", "The file has no rows to import.", None),
    "NUL bytes": (b"name\nA\x00B\n", "This is not a text file.", None),
    "a column named twice": (b"name,Name\nA,B\n", "Columns named twice: name.", None),
}


@pytest.mark.parametrize("case", ODD_FILES)
def test_odd_files_are_a_clear_error_or_imported(org, portal, sales_rep, case, django_capture_on_commit_callbacks):
    content, error, names = ODD_FILES[case]
    client = portal.as_user(sales_rep)
    response = upload_and_check(client, content, django_capture_on_commit_callbacks)
    if error:
        assert response.status_code == 400
        assert error in response.content.decode()
        assert not ImportJob.objects.exists()
        return
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.state, job.error_rows) == (ImportState.CHECKED, 0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{job.pk}/run/")
    assert sorted(Customer.objects.values_list("name", flat=True)) == names


@pytest.mark.django_db(transaction=True)  # two requests, two connections: quick, so in the main run (on PostgreSQL)
def test_two_uploads_at_once_make_one_job(org, sales_rep, monkeypatch):
    """Two requests of one user at the same instant, both past the check (blinded): PostgreSQL's partial
    unique index lets one job in flight; the other request answers the clear message, not a 500."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer")
    real = services._in_flight
    local = threading.local()
    start_line = threading.Barrier(2)

    def blind_first_look(user, *, but=None):
        local.looks = getattr(local, "looks", 0) + 1
        if local.looks == 1:  # the check before the file is read
            return None
        if local.looks == 2:  # the check before the insert: both requests are past it before either inserts
            start_line.wait(timeout=10)
            return None
        return real(user, but=but)

    monkeypatch.setattr(services, "_in_flight", blind_first_look)
    statuses = []

    def post(index):
        client = Client()
        client.force_login(sales_rep, backend="accounts.backends.RoleModelBackend")
        try:
            statuses.append(upload(client, csv_bytes([(f"Row {index}", "")]), name=f"{index}.csv").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 400]
    assert ImportJob.objects.count() == 1  # (its dry run ran at the commit: no broker in the tests)
