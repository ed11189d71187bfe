-- fetchbus schema, version 1. PostgreSQL is the source of truth: every URL of every job is a row.

create table users (
  id          bigserial primary key,
  name        text not null unique,
  key_hash    bytea not null unique,
  role        text not null check (role in ('admin', 'user')),
  created_at  timestamptz not null default now()
);

create table jobs (
  id                bigserial primary key,
  user_id           bigint not null references users(id),
  kind              text not null default 'list',
  state             text not null default 'queued'
                    check (state in ('queued', 'running', 'done', 'cancelled')),
  options           jsonb not null default '{}',
  accepted          bigint not null default 0,
  duplicates        bigint not null default 0,
  rejected          bigint not null default 0,
  rejected_samples  jsonb not null default '[]',
  -- null while the URL list is still streaming in: a job cannot finish before its input has
  ingested_at       timestamptz,
  created_at        timestamptz not null default now(),
  started_at        timestamptz,
  finished_at       timestamptz
);
create index jobs_user on jobs (user_id, id);
create index jobs_unfinished on jobs (id) where state in ('queued', 'running');

-- A URL row moves queued -> leased -> done | failed (or cancelled). A lease is simply a due time in
-- the future owned by one node: when it passes, the row is claimable again.
create table frontier (
  id           bigserial primary key,
  job_id       bigint not null references jobs(id) on delete cascade,
  url          text not null,
  url_hash     bytea not null generated always as (decode(md5(url), 'hex')) stored,
  host         text not null,
  partition    int not null,
  depth        int not null default 0,
  state        text not null default 'queued'
               check (state in ('queued', 'leased', 'done', 'failed', 'cancelled')),
  attempts     int not null default 0,
  due_at       timestamptz not null default now(),
  leased_by    text,
  unique (job_id, url_hash)
);
create index frontier_claimable on frontier (due_at, partition) where state in ('queued', 'leased');
create index frontier_job_state on frontier (job_id, state, depth);

-- One record per URL. Its insert and the frontier's terminal mark happen in one statement, so a
-- URL is committed exactly when its record is; the primary key makes a second write a no-op.
create table pages (
  job_id         bigint not null,
  url_id         bigint not null references frontier(id) on delete cascade,
  final_url      text,
  status         int,
  content_type   text,
  bytes          bigint not null default 0,
  truncated      boolean not null default false,
  title          text,
  content_hash   text,
  links          int,
  redirects      int not null default 0,
  etag           text,
  last_modified  text,
  fetched_at     timestamptz not null default now(),
  elapsed_ms     int not null default 0,
  attempts       int not null default 1,
  error_code     text,
  error_message  text,
  primary key (job_id, url_id)
);
