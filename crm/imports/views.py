"""Portal pages for CSV imports: upload and dry run, the job page with its live progress, the error rows.

The upload streams to a temporary file with a running size limit (crm/imports/uploads.py);
the dry run and the run are Celery tasks, a user's one at a time. A job is its uploader's:
anyone else gets 404. The job page is one URL; htmx polls it for the progress fragment
while the dry run or the import runs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from crm.imports import access, services, uploads
from crm.imports.forms import ImportUploadForm
from crm.imports.models import ImportJob
from crm.imports.rows import COLUMNS, ImportFileError
from crm.platform.exports import csv_download, csv_lines

RECENT_JOBS = 10
ERRORS_SHOWN = 100


def own_job(request, job_id) -> ImportJob:
    job = access.import_jobs_visible_to(request.user).filter(pk=job_id).first()
    if job is None:
        raise Http404("No such import.")
    return job


def require_importer(request) -> None:
    if not access.can_import(request.user):
        raise PermissionDenied("Your role may not import customers.")


@csrf_exempt  # CSRF is checked by _import_new, once the upload handlers are in place (they come first)
@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    require_importer(request)
    if request.method == "POST":
        if uploads.declared_too_large(request):  # answered before a byte of the body is read
            return _upload_page(request, ImportUploadForm(), error=uploads.too_large_message(), status=413)
        request.limiter = uploads.install(request)
    return _import_new(request)


@csrf_protect
def _import_new(request):
    if request.method != "POST":
        return _upload_page(request, ImportUploadForm(initial={"kind": request.GET.get("kind")}))
    form = ImportUploadForm(request.POST, request.FILES)
    if request.limiter.too_large:
        return _upload_page(request, form, error=uploads.too_large_message(), status=413)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_upload(
                acting_user=request.user, kind=form.cleaned_data["kind"], file_name=upload.name, upload=upload
            )
        except (ImportFileError, services.ImportInFlight) as error:
            form.add_error("file", str(error))
        else:
            return redirect("import-detail", job_id=job.pk)
    return _upload_page(request, form, status=400)


def _upload_page(request, form, *, error: str | None = None, status: int = 200):
    if error:
        form.is_valid()
        form.errors["file"] = form.error_class([error])
    context = {
        "form": form,
        "columns": COLUMNS,
        "max_megabytes": uploads.max_bytes() // (1024 * 1024),
        "jobs": access.import_jobs_visible_to(request.user).order_by("-created_at", "-id")[:RECENT_JOBS],
    }
    return render(request, "crm/import_new.html", context, status=status)


@login_required
@require_safe
def import_detail(request, job_id):
    job = own_job(request, job_id)
    context = {
        "job": job,
        "may_start": services.may_start(job),
        "dry_run_errors": job.dry_run_errors[:ERRORS_SHOWN],
        "columns": services.columns_of(job),
    }
    template = "crm/import_detail.html#progress" if request.htmx else "crm/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_run(request, job_id):
    require_importer(request)
    job = own_job(request, job_id)
    if job.nothing_to_import:
        messages.error(request, "Every row would be refused or is already there: there is nothing to import.")
    elif not services.may_start(job):
        messages.info(request, "This import is already running or done.")
    else:
        try:
            services.import_start(acting_user=request.user, job=job)
        except services.ImportInFlight as error:
            messages.error(request, str(error))
    return redirect("import-detail", job_id=job.pk)


@login_required
@require_safe
def import_errors(request, job_id):
    """The rows that were (or, before the run, would be) not imported, with why, as CSV."""
    job = own_job(request, job_id)
    columns = services.columns_of(job)
    rows = (
        [line, *(values.get(name, "") for name in columns), _reasons(errors)]
        for line, values, errors in services.rows_not_imported(job)
    )
    return csv_download(csv_lines(["line", *columns, "errors"], rows), filename=f"import-{job.pk}-not-imported")


def _reasons(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in errors.items())
