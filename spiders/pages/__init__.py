"""Page objects: one module per source, pure functions from a response to items and next URLs.

They know nothing of Scrapy's engine (no requests, no stats, no spider): a test builds a response
from saved bytes and calls them. A page they cannot read raises `fields.PageError(reason)`; an item
they can read but that lacks what the contract needs is returned as is and rejected by validation.
"""
