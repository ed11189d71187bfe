-- A rendered page's screenshot (job options render: chromium, screenshot: true): a PNG kept in the
-- content store (bodies, by its SHA-256, codec none: PNG is compressed already), one per record.
-- Written by the fetcher under the content store's purge lock (shared), like page bodies, and
-- counted by a purge before it deletes bodies, so a screenshot's body is never freed while used.
create table screenshots (
  job_id bigint not null references jobs(id) on delete cascade,
  url_id bigint not null,
  hash   bytea  not null,
  primary key (job_id, url_id)
);
create index screenshots_hash on screenshots (hash);
