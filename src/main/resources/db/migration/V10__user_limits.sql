-- Per-user overrides of the limits in the configuration (limits.*); null means the default.
alter table users add column max_active_jobs int;
alter table users add column max_active_urls bigint;
