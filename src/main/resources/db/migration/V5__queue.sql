-- The work queue moves out of `frontier` into a narrow table of its own.
--
-- Before, every URL's row in `frontier` was rewritten twice after its insert: once when claimed
-- (state 'leased', due_at) and once when its record was stored (state 'done'). Both changes touched
-- indexed columns (`frontier_claimable`, `frontier_job_state`), so neither update could be HOT: each
-- copied the whole row, URL text included, and added an entry to every index of `frontier`. That
-- was the largest single cost of the store write (docs/benchmarks.md, "Write path vs COPY").
--
-- Now `frontier` is written once per URL and never updated: it is the job's URL registry (dedupe,
-- depth, provenance, export). A URL that still has work to do also has a row in `queue`; a claim
-- updates that narrow row, and storing the URL's record deletes it, in the same statement as the
-- record's insert. "Done" and "failed" are read from `pages` (a record with or without an error),
-- "queued" and "leased" from `queue`.
--
-- `queue` has no foreign keys on purpose: its rows are inserted by the same statement as their
-- frontier rows, frontier rows are never deleted, and a key check per claim or delete would lock
-- the wide frontier row again.
create table queue (
  url_id     bigint primary key,
  job_id     bigint not null,
  partition  int not null,
  -- queued: due_at is when it may be fetched; leased: when the lease runs out.
  due_at     timestamptz not null default now(),
  leased_by  text,
  attempts   int not null default 0
);

insert into queue (url_id, job_id, partition, due_at, leased_by, attempts)
select id, job_id, partition, due_at, leased_by, attempts from frontier where state in ('queued', 'leased');

create index queue_claimable on queue (due_at, partition);
create index queue_job on queue (job_id);

-- URLs a cancel (or maxDurationSeconds) took out of the queue before they were fetched.
alter table jobs add column cancelled_urls bigint not null default 0;
update jobs j set cancelled_urls = c.n
from (select job_id, count(*) as n from frontier where state = 'cancelled' group by job_id) c
where j.id = c.job_id;

drop index frontier_claimable;
drop index frontier_job_state;
alter table frontier drop column state, drop column attempts, drop column due_at, drop column leased_by;
