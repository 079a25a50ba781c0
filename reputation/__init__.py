"""The reputation logic: what kaopu concludes about a provider, as pure functions of the clean tables.

No I/O and no knowledge of increments: every function takes DataFrames and returns DataFrames, so a
rule can be read, changed and tested without the build engine (`incremental_build/`), which calls it
per provider.
"""
