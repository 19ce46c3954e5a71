"""Celery tasks of CSV imports: thin wrappers around services, taking ids.

`run_import` is acknowledged late: a run lost with its worker is delivered again and
resumes after the last committed batch (crm/imports/services.py).
"""

from celery import shared_task


# Named as before the move, so that a task queued by the previous release still runs.
@shared_task(name="crm.tasks.run_import", acks_late=True)
def run_import(job_id: int) -> str:
    from crm.imports import services

    return services.import_run(job_id=job_id).state


@shared_task(name="crm.tasks.check_import", acks_late=True)
def check_import(job_id: int) -> str:
    """The dry run of an upload; a run lost with its worker is delivered again and starts over (it writes nothing)."""
    from crm.imports import services

    return services.import_dry_run(job_id=job_id).state
