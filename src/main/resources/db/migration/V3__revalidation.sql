-- Revalidation across jobs: the last validators seen for a URL (by its normalised spelling), so a
-- later fetch of it, in any job, can ask "has it changed?" (If-None-Match, If-Modified-Since).
create table validators (
  url_hash       bytea primary key,
  etag           text,
  last_modified  text,
  content_hash   text,
  updated_at     timestamptz not null default now()
);

-- A 304 answer: the page is as it was, its record carries the stored content hash.
alter table pages add column not_modified boolean not null default false;
