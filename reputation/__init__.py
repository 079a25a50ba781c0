"""The reputation logic: what kaopu concludes about a provider, as pure functions of the clean tables.

No I/O and no knowledge of increments: every function takes DataFrames and returns DataFrames, so a
rule can be read, changed and tested without the build engine (`incremental_build/`), which calls
`provider_marts.provider_marts` per set of providers and `provider_marts.reputation_table` over all.

- `documents` — items → clean rows; the claim rows of a document, with the case page's own facts.
- `review_flags` — suspicious reviews, down-weighted, never deleted.
- `claim_checks` — a verdict per advertised case: `RULES`, in the order its docstring numbers them.
- `scores` — `provider_stats` (one function per section of the reputation row) and `finish`.
- `provider_marts` — the entry point: a set of providers' evidence → their rows of the four marts.

The text parsers these read through (`pipelines.case_pages`, `pipelines.fees`, `pipelines.names`) live
with the other text-in, value-out functions in `pipelines/`. Functions stay under 60 lines and the
engine imports only public names from here (tests/test_layout.py).
"""
