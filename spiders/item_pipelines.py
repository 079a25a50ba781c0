"""The crawl's item pipelines: thin adapters over kaopu's pure functions, counted in namespaced stats.

validate → drop repeats → write raw → observe text. Raw is the source of truth, so nothing after the
raw writer changes or stores an item: the text observer only counts what the batch flow will later
clean (traditional script, personal data, near-duplicates). Every component reads the run's context
(data tree, run id, crawl state) from the spider, set up in `KaopuSpider.from_crawler`.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from pipelines.contracts import InvalidItem, to_record, validate
from pipelines.dedup import NearDuplicateIndex
from pipelines.pii import mask
from pipelines.storage import QuarantineWriter, RawWriter
from pipelines.text import is_traditional, normalize


class _Component:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def spider(self):
        return self.crawler.spider


class ValidatePipeline(_Component):
    """contracts.validate; a rejected item goes to quarantine with its reason, never silently away."""

    def open_spider(self) -> None:
        self.quarantine = QuarantineWriter(self.spider.tree.quarantine_file(self.spider.run_id))

    def process_item(self, item):
        try:
            validate(item)
        except InvalidItem as exc:
            self.quarantine.write(
                to_record(item), exc.reason, detail=exc.detail, source=item.source, source_url=item.source_url
            )
            self.stats.inc_value(f"kaopu/quarantine/{exc.reason}")
            raise DropItem(f"invalid item ({exc.reason})") from None
        return item

    def close_spider(self) -> None:
        self.quarantine.close()


class DedupPipeline(_Component):
    """Drops an item id seen earlier in this run (redirects, overlapping searches) or in an earlier
    run (the crawl state's seen-ids store), so raw never holds one item twice — except the items a
    revisit re-reads (`KaopuSpider.may_rewrite`): each is written again, once per run, as a version."""

    def open_spider(self) -> None:
        self.this_run: set[str] = set()

    def process_item(self, item):
        item_id = item.item_id
        if item_id in self.this_run:
            self.stats.inc_value("kaopu/dupes/dropped")
            raise DropItem(f"repeat of {item_id}")
        self.this_run.add(item_id)
        # A revisit writes a known item again: a new version in raw (same id, a later fetched_at).
        spider = self.spider
        if spider.crawl_state.seen(item_id) and not getattr(spider, "may_rewrite", _never)(item_id):
            self.stats.inc_value("kaopu/dupes/seen_before")
            raise DropItem(f"{item_id} written by an earlier run")
        return item


def _never(_item_id: str) -> bool:
    return False


class RawPipeline(_Component):
    """Appends the item to this run's raw file, then records its id as seen. The file is opened on the
    first item, so a run that finds nothing leaves no file behind."""

    def open_spider(self) -> None:
        self.writer: RawWriter | None = None

    def process_item(self, item):
        spider = self.spider
        if self.writer is None:
            self.writer = RawWriter(spider.tree.raw_file(spider.source, spider.run_id))
            # The writer's path: beside a damaged file of the same run it writes a sibling.
            spider.crawl_state.begin_run(spider.run_id, self.writer.path)
        self.writer.write(to_record(item))
        spider.crawl_state.add([item.item_id])
        when = getattr(item, "created_at", None) or getattr(item, "published_at", None)
        if when:
            spider.crawl_state.raise_watermark(when)
        self.stats.inc_value("kaopu/raw/written")
        self.stats.inc_value(f"kaopu/raw/written/{item.kind}")
        return item

    def close_spider(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.spider.crawl_state.finish_run(self.spider.run_id)


class TextObserverPipeline(_Component):
    """Counts what normalisation would find; writes nothing (clean tables are built from raw)."""

    def open_spider(self) -> None:
        self.near = NearDuplicateIndex()

    def process_item(self, item):
        text = getattr(item, "text", None)
        if not text:
            return item
        if is_traditional(text):
            self.stats.inc_value("kaopu/text/traditional")
        clean = normalize(text)
        if mask(clean) != clean:
            self.stats.inc_value("kaopu/text/personal_data")
        if self.near.add(item.item_id, clean, normalized=True) is not None:
            self.stats.inc_value("kaopu/text/near_duplicate")
        return item
