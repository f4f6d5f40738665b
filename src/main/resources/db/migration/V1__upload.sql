-- One row per upload, whatever the protocol. Types chosen to mean the same on H2 and PostgreSQL.
create table upload (
    upload_id        varchar(32)  not null primary key,
    version          bigint       not null,
    owner            varchar(255) not null,
    protocol         varchar(16)  not null,
    filename         varchar(1024) not null,
    total_length     bigint,
    upload_offset    bigint       not null,
    status           varchar(16)  not null,
    created_at       timestamp(6) with time zone not null,
    last_activity_at timestamp(6) with time zone not null,
    expires_at       timestamp(6) with time zone,
    completed_at     timestamp(6) with time zone,
    md5              varchar(32),
    hash_state       bytea,
    storage_key      varchar(1024) not null,
    lease_owner      varchar(64),
    lease_until      timestamp(6) with time zone,
    constraint upload_status_check check (status in ('UPLOADING', 'COMPLETE', 'ABORTED', 'EXPIRED')),
    constraint upload_offset_check check (upload_offset >= 0 and (total_length is null or upload_offset <= total_length))
);

create index upload_owner_created_idx on upload (owner, created_at);
create index upload_status_expires_idx on upload (status, expires_at);

-- Users for a server started without any configured in chunked-upload.users.
create table app_user (
    username varchar(255) not null primary key,
    password varchar(255) not null,
    roles    varchar(255) not null
);
