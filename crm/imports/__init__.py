"""CSV import of customers and contacts: an upload, a dry run, then a resumable Celery task.

The upload is stored with its job (`ImportJob`, in the database, so any worker can
read it). The dry run validates every row as the API would and writes nothing but
the job. The run commits the rows in batches: each batch, its error rows and the
job's progress in one transaction, so a killed run leaves no partial batch and a
resumed one starts after the last committed batch. A row whose e-mail the user can
already see is skipped, so nothing is imported twice.
"""
