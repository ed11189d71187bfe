-- A job's callback: registered when the job is created, due once it has ended, delivered at least
-- once (retried with backoff, across restarts), then kept as the record of what happened.
create table webhooks (
  job_id        bigint primary key references jobs(id) on delete cascade,
  url           text not null,
  secret        text not null,
  state         text not null default 'waiting' check (state in ('waiting', 'due', 'delivered', 'failed')),
  attempts      int not null default 0,
  next_at       timestamptz not null default now(),
  last_status   int,
  last_error    text,
  delivered_at  timestamptz
);
create index webhooks_due on webhooks (next_at) where state = 'due';
create index webhooks_waiting on webhooks (job_id) where state = 'waiting';
