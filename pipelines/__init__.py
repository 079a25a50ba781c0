"""kaopu's processing: data contracts, storage, config, and the pure text functions both the crawl
and the batch flow call."""
