"""One spider per source kind, found by name (SPIDER_MODULES). They decide what to request next;
spiders/pages/ parses."""
