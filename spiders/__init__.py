"""kaopu's crawlers: a Scrapy project (`scrapy.cfg` at the repo root, settings in `spiders.settings`).

- `spiders/crawlers/` — one spider per source kind; they only decide what to request next.
- `spiders/pages/` — page objects: pure functions from a response to contract items.
- `spiders/item_pipelines.py` — validate → drop repeats → raw → observe text (stats only).
- `spiders/run.py` — `python -m spiders.run SOURCE …`, the entry the flows call (one process each).
"""
