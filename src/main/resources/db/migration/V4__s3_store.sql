-- The S3 store's own records. An upload's bytes are an S3 multipart upload of parts of one
-- fixed size plus a staged tail object below that size (tusd's "incomplete part"). Each part's
-- number, size and ETag is recorded here in the transaction that records the upload's offset,
-- so what is here is exactly what was acknowledged; it is never rebuilt from ListParts.
create table s3_session (
    session_key  varchar(1024) primary key,
    multipart_id varchar(1024),
    part_size    bigint        not null,
    parts        integer       not null default 0,
    parts_length bigint        not null default 0,
    tail_key     varchar(1100),
    tail_length  bigint        not null default 0,
    created_at   timestamp with time zone not null,
    constraint s3_session_counts_check check (parts >= 0 and parts_length >= 0 and tail_length >= 0)
);

create table s3_session_part (
    session_key varchar(1024) not null references s3_session (session_key) on delete cascade,
    part_number integer       not null,
    size        bigint        not null,
    etag        varchar(256)  not null,
    primary key (session_key, part_number),
    constraint s3_session_part_number_check check (part_number between 1 and 10000)
);
