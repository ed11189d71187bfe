-- Keys for scrapers and dashboards: the metrics role reads /metrics and /ops/stats and nothing else,
-- so Prometheus need not hold an admin key.
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check check (role in ('admin', 'user', 'metrics'));
