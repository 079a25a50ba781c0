"""The six spiders, one per source kind. They decide what to request next; spiders/pages/ parses."""
