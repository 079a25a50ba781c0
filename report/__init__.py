"""`kaopu report`: the marts as a static site a merchant reads (Chinese first, English with --lang en).

- `data.py` reads the marts and clean tables once and groups them per provider;
- `build.py` renders index.html (every provider: sortable, searchable, paged in the browser),
  providers/<slug>.html (score breakdown, monthly charts, every case with its evidence quoted, flagged
  reviews, registry, fees, freshness) and compare.html, and swaps the new site in atomically;
- `charts.py` draws the charts as inline SVG (why not a JS chart library: its docstring);
- `claim_reviews.py` writes one schema.org ClaimReview per verdict to marts/claim_reviews.jsonl;
- `labels.py` holds the page's own words; sentences about verdicts and risks come from pipelines/messages.py.

The site needs no server and no network: the pages, one CSS and one script file, and the index's data
as a script file, all relative links, system fonts.
"""

from report.build import Report, ReportError, page_name, write_report

__all__ = ["Report", "ReportError", "page_name", "write_report"]
