-- The fetch nodes and when each was last heard from. Host partitions are shared out among the
-- nodes heard from recently: every node reads the same rows, so every node computes the same
-- owners, whatever the cluster manager's view of the moment (a frozen node's view can lag).
create table fetch_nodes (
  node_id     text primary key,
  last_seen   timestamptz not null default now(),
  started_at  timestamptz not null default now()
);
