-- API tokens for scripts. Only the SHA-256 of a token (hex) is kept; a request finds its
-- token through the unique index on it. Revoking deletes the row.
create table api_token (
    token_id     varchar(32)  not null primary key,
    owner        varchar(255) not null,
    name         varchar(100) not null,
    token_hash   varchar(64)  not null,
    created_at   timestamp(6) with time zone not null,
    expires_at   timestamp(6) with time zone not null,
    last_used_at timestamp(6) with time zone,
    constraint api_token_hash_unique unique (token_hash)
);

create index api_token_owner_idx on api_token (owner, created_at);
