"""Scrapy settings every kaopu crawl shares. The per-site and per-profile part (User-Agent, robots,
throttle, concurrency, size caps) is not here: `spiders.profile_settings` derives it from the source
profile in kaopu.toml when a spider class is loaded, so sandbox ↔ live stays a config change."""

BOT_NAME = "kaopu"
SPIDER_MODULES = ["spiders.crawlers"]
NEWSPIDER_MODULE = "spiders.crawlers"

# Consoles that let another local process drive the crawler have no place in an unattended job.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

ROBOTSTXT_OBEY = True
DOWNLOADER_MIDDLEWARES = {
    # Stock robots middleware hands the parsed robots.txt to the first waiting request only; ours
    # makes every request wait for the parse (see spiders/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.robots.RobotsTxtEveryWaiterMiddleware": 100,
    # Stock retry ignores Retry-After; ours waits what the server asks (capped) before retrying.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.retry_after.RetryAfterMiddleware": 550,
    # Once robots.txt allowed a request, count it against the profile's daily cap (spiders/quota.py).
    "spiders.quota.DailyQuotaMiddleware": 110,
}
ITEM_PIPELINES = {
    "spiders.item_pipelines.ValidatePipeline": 100,
    "spiders.item_pipelines.DedupPipeline": 200,
    "spiders.item_pipelines.RawPipeline": 300,
    "spiders.item_pipelines.TextObserverPipeline": 400,
}

RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
KAOPU_RETRY_AFTER_MAX = 30.0  # seconds; a server asking for longer gets our cap, then the retry
# A body shorter than its Content-Length is an error (then retried), never a silently cut page.
DOWNLOAD_FAIL_ON_DATALOSS = True

HTTPCACHE_ENABLED = False  # the profile's http_cache turns it on
HTTPCACHE_IGNORE_HTTP_CODES = [401, 403, 408, 429, 500, 502, 503, 504, 522, 524]
HTTPCACHE_POLICY = "spiders.cache_policy.NoBlocksPolicy"  # nor a block page served with 200

COOKIES_ENABLED = True
COOKIES_DEBUG = False  # cookies are credentials: never in the log

# Breadth-first so a killed crawl has finished whole list pages rather than one deep thread.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
