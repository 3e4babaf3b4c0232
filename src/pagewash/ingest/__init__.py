"""Ingestion: pagewash inside other people's pipelines.

``records`` turns one page into one flat row (``clean_record``, ``clean_batch``) and never
raises for a bad page; ``timeout`` bounds the time one page may take; ``ray`` maps the records
over a Ray Dataset and runs ``--engine ray`` batches.
"""
