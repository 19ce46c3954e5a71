"""Portal pages for CSV imports: upload and dry run, the job page with its live progress, the error rows.

A job is its uploader's: anyone else gets 404. The job page is one URL; htmx polls
it for the progress fragment while the import runs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from crm.exports import csv_download, csv_lines
from crm.forms import ImportUploadForm
from crm.imports import services
from crm.imports.models import ImportJob
from crm.imports.rows import COLUMNS, ImportFileError

RECENT_JOBS = 10
ERRORS_SHOWN = 100


def own_job(request, job_id) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404("No such import.")
    return job


def require_importer(request) -> None:
    if not services.can_import(request.user):
        raise PermissionDenied("Your role may not import customers.")


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_check(
                acting_user=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("import-detail", job_id=job.pk)
    context = {
        "form": form,
        "columns": COLUMNS,
        "jobs": ImportJob.objects.filter(created_by=request.user).order_by("-created_at", "-id")[:RECENT_JOBS],
    }
    return render(request, "crm/import_new.html", context, status=400 if form.errors else 200)


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
    if not services.may_start(job):
        messages.info(request, "This import is already running or done.")
    else:
        services.import_start(acting_user=request.user, job=job)
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
