"""Ingestion: pagewash inside other people's pipelines.

``records`` turns one page into one flat row (``clean_record``, ``clean_batch``) and never
raises for a bad page; ``timeout`` bounds the time one page may take; ``ray`` maps the records
over a Ray Dataset and runs ``--engine ray`` batches.

Framework adapters, each importing its framework only inside its own module (an extra):
``datatrove`` (extractor steps), ``nemo_curator`` (HTML extraction algorithm), ``langchain``
(transformer, loader), ``llama_index`` (reader), ``haystack`` (converter component); ``pages``
holds what they share (reading inputs, cleaning a page, naming metadata).
"""
