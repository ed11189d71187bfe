-- A job's cookie jar (job option "cookies"): what its responses set, so that the jar survives a
-- restart and every node fetching for the job sees it. One row per cookie (RFC 6265's key: domain,
-- path, name); a deleted or expired cookie stays as a row with expires_ms in the past, so that it
-- also wins over the cookie a job was seeded with. Times are epoch milliseconds; updated_ms orders
-- the writes of different nodes (the later one wins).
create table job_cookies (
  job_id     bigint  not null references jobs(id) on delete cascade,
  domain     text    not null,
  path       text    not null,
  name       text    not null,
  value      text    not null,
  host_only  boolean not null,
  secure     boolean not null,
  expires_ms bigint,
  updated_ms bigint  not null,
  primary key (job_id, domain, path, name)
);
