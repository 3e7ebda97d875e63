"""Enrichment: fetch authors, DOIs, pages, volume, publisher and titles from arXiv, DBLP, OpenReview and Crossref.

``paperbib enrich`` stores what it finds in a sidecar file beside the list (see :mod:`.sidecar`),
which the pipeline merges into the records on every later run, offline.
"""
