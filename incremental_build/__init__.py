"""The incremental build engine: raw → clean tables → marts, redoing only what new raw touches.

Manifests, fingerprints, the arrow merge, the near-duplicate store and the worker processes live here;
what the tables *mean* is decided by `pipelines/` (per document) and `reputation/` (per provider), which
this package calls as black boxes.
"""
