-- Uploads whose chunks are numbered and may arrive in any order (resumable.js, flow.js).

-- How such an upload is cut into chunks, the client's key for it, and the lease of the one
-- writer that advances its MD5 over the contiguous prefix (upload.upload_offset and
-- upload.hash_state hold how far that got).
create table parallel_upload (
    upload_id        varchar(32)  not null primary key references upload (upload_id) on delete cascade,
    owner            varchar(255) not null,
    -- SHA-256 (hex) of the client's identifier, total size and file name; null once the
    -- upload no longer answers to it (aborted, expired, attached to a record)
    client_key       varchar(64),
    chunk_size       bigint       not null,
    total_chunks     integer      not null,
    hash_lease_owner varchar(64),
    hash_lease_until timestamp(6) with time zone,
    constraint parallel_upload_layout_check check (chunk_size > 0 and total_chunks > 0)
);

-- One upload in progress per user and file; NULL keys do not collide.
create unique index parallel_upload_key_idx on parallel_upload (owner, client_key);

-- The chunks stored (or being written) so far. The primary key makes a second claim of the
-- same chunk fail, so exactly one request writes each chunk; a claim whose writer died is
-- taken over once its lease has lapsed.
create table upload_chunk (
    upload_id    varchar(32) not null references upload (upload_id) on delete cascade,
    chunk_number integer     not null,
    stored       boolean     not null,
    stored_at    timestamp(6) with time zone,
    lease_owner  varchar(64),
    lease_until  timestamp(6) with time zone,
    primary key (upload_id, chunk_number)
);
