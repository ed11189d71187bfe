-- Fair claims (issue #12): work is shared across jobs, and across users, instead of going to the
-- URLs that have waited longest. Start-time fair queueing on a virtual clock:
--
-- * every queued URL carries a virtual time `vt`, and a claim takes the lowest `vt` first;
-- * a job's URLs are `stride` apart on that clock (1,000,000 / its priority), times the number of
--   jobs its user has under way, so each user gets one share, split among its jobs;
-- * a batch starts at the later of the job's own clock (`jobs.vclock`, where its last URL went) and
--   the head of the queue (the lowest `vt` waiting), so a job arriving behind a big one interleaves
--   with it at once, and an idle job banks no credit.
--
-- Waiting for a retry is now "parked": leased_by = '' and due_at the retry time. Leased and parked
-- rows thus both leave the fair index and come back through `queue_leases`, by due time, when
-- their lease or backoff runs out. Without that, rows in backoff would sit at the head of the fair
-- index (their `vt` is old) and every claim would step over them.
alter table queue add column vt bigint not null default 0;
alter table jobs add column stride bigint not null default 1000000;
alter table jobs add column vclock bigint not null default 0;

update queue set leased_by = '' where leased_by is null and due_at > now();
update queue set vt = url_id;
update jobs j set vclock = q.top from (select job_id, max(vt) as top from queue group by job_id) q where j.id = q.job_id;

drop index queue_claimable;
create index queue_fair on queue (vt) where leased_by is null;
create index queue_leases on queue (due_at) where leased_by is not null;
