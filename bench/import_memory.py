"""Peak memory and time of a 20 MB CSV import: the upload (a file on disk, as the portal's upload
handler leaves it), the dry run and the run, in one process, as a worker would run them.

    DATABASE_URL=sqlite:////tmp/import-memory.sqlite3 /usr/bin/time -v .venv/bin/python bench/import_memory.py
    (add --tracemalloc for Python's own count of its peak allocations; it runs slower)

It makes /tmp/import-20mb.csv (100,000 customers, just under CRM_IMPORT_MAX_BYTES) if missing.
"""

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from crm.customers.models import Customer  # noqa: E402
from crm.imports import services  # noqa: E402

PATH = Path(tempfile.gettempdir()) / "import-20mb.csv"
ROWS = 100_000


def make_file() -> None:
    line_bytes = (settings.CRM_IMPORT_MAX_BYTES - 64) // ROWS
    with PATH.open("w", newline="") as out:
        out.write("name,email,phone,industry,owner\n")
        for n in range(ROWS):
            head = f"Customer {n:06d} {'x' * 60},memory{n}@example.com,+1 555 0100,"
            out.write(head + "I" * (line_bytes - len(head) - 2) + ",\n")


def main() -> None:
    trace = "--tracemalloc" in sys.argv
    call_command("migrate", verbosity=0)
    if not PATH.exists():
        make_file()
    user, _ = User.objects.get_or_create(username="import-memory", defaults={"role": Role.SALES})
    Customer.objects.filter(owner=user).delete()
    if trace:
        tracemalloc.start()
    started = time.monotonic()
    with PATH.open("rb") as upload:
        job = services.import_upload(
            acting_user=user, kind="customers", file_name=PATH.name, upload=File(upload), queue=False
        )
    uploaded = time.monotonic()
    job = services.import_dry_run(job_id=job.pk)
    checked = time.monotonic()
    peak_dry = tracemalloc.get_traced_memory()[1] if trace else None
    job = services.import_run(job_id=job.pk)
    done = time.monotonic()
    size = PATH.stat().st_size
    print(f"file: {size:,} bytes, {job.total_rows:,} rows; state {job.state}, {job.imported_rows:,} imported")
    print(f"upload {uploaded - started:.1f}s, dry run {checked - uploaded:.1f}s, run {done - checked:.1f}s")
    if trace:
        peak_all = tracemalloc.get_traced_memory()[1]
        print(f"tracemalloc peak: dry run {peak_dry / 2**20:.0f} MiB, dry run and run {peak_all / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
