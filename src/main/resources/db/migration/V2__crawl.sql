-- Crawl jobs: seeds, discovered links, sitemaps, limits.

-- What a frontier row is: a page to record, or a sitemap whose entries feed the frontier.
alter table frontier add column kind text not null default 'page' check (kind in ('page', 'sitemap'));
-- The URL whose page linked here (null for seeds and list jobs).
alter table frontier add column discovered_from bigint;

-- The crawl plan: seeds, scope, limits, robots and sitemap switches, as the client sent them
-- (validated). Null for list jobs.
alter table jobs add column crawl jsonb;
-- maxPages is enforced when URLs are accepted: every accepted URL yields exactly one record.
alter table jobs add column max_pages bigint;
-- maxDurationSeconds, fixed when the job starts.
alter table jobs add column max_duration_seconds int;
alter table jobs add column stop_reason text;
