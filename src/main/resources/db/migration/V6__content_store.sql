-- The content store: fetched bodies are kept, once per distinct body, and a record keeps the heads
-- of its exchange and the links of its page.

-- One row per distinct body, keyed by the SHA-256 of its bytes (as served, after content decoding):
-- every record, job and re-crawl that got the same bytes points at the same row. `data` is
-- compressed by the node (`codec`) before it is written, so PostgreSQL is told not to compress it
-- again (storage external: out of line, uncompressed). `size` is the length before compression,
-- `stored` after.
create table bodies (
  hash        bytea primary key,
  codec       text not null check (codec in ('zstd', 'deflate', 'none')),
  size        bigint not null,
  stored      bigint not null,
  data        bytea not null,
  created_at  timestamptz not null default now()
);
alter table bodies alter column data set storage external;

-- What a record keeps beyond its metadata. Headers are JSON arrays of [name, value] pairs, in the
-- order sent or received. `outlinks` are the page's resolved, normalised links, one per line;
-- `requisites` its embedded resources (images, scripts, style sheets, media), likewise.
alter table pages
  add column body_hash         bytea,
  add column protocol          text,
  add column reason            text,
  add column request_headers   jsonb,
  add column response_headers  jsonb,
  add column outlinks          text,
  add column requisites        text,
  add column description       text,
  add column canonical         text,
  add column lang              text;
-- Which records use a body: what a purge asks before it deletes one.
create index pages_body on pages (body_hash) where body_hash is not null;

-- The record a URL's validators came from: a 304 is recorded as that version (its facts, links and
-- body), so a re-crawl goes on through pages that have not changed.
alter table validators
  add column page_job_id  bigint,
  add column page_url_id  bigint;

-- A crawl's page requisites (crawl option "requisites"): fetched and kept like pages, their own
-- links never followed.
alter table frontier drop constraint frontier_kind_check;
alter table frontier add constraint frontier_kind_check check (kind in ('page', 'sitemap', 'requisite'));
