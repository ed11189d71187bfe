-- Per-user overrides of limits.concurrentFetches and limits.requestsPerSecond (null: the default).
alter table users add column max_concurrent_fetches int;
alter table users add column max_requests_per_second int;

-- API requests per user in the current second, counted by the statement that checks the key, so
-- the limit holds across every node of a cluster. Unlogged: a counter needs no WAL, its commits
-- need no flush, and losing it in a crash only forgets one second.
create unlogged table request_counts (
  user_id  bigint primary key,
  second   bigint not null,
  n        int not null
);
