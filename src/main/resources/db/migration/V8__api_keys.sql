-- Keys leave the users table: a user may hold two at once (to rotate without downtime), each can be
-- revoked alone, and a user can be disabled or deleted. Keys are still stored as SHA-256 hashes only.
create table api_keys (
  id          bigserial primary key,
  user_id     bigint not null references users(id) on delete cascade,
  key_hash    bytea not null unique,
  created_at  timestamptz not null default now()
);
create index api_keys_user on api_keys (user_id);

insert into api_keys (user_id, key_hash, created_at) select id, key_hash, created_at from users;
alter table users drop column key_hash;

-- disabled: every key of the user is refused (403) until an admin enables it again.
-- deleted_at: a deleted user keeps its jobs (an admin may still read or purge them) and its name.
alter table users add column disabled boolean not null default false;
alter table users add column deleted_at timestamptz;
