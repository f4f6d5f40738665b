-- What tus (and any protocol that describes its uploads) adds to an upload: the client's media
-- type, the client's metadata exactly as sent (tus echoes it), and concatenation: a PARTIAL upload
-- is a piece meant to be joined, a FINAL upload is built from an ordered list of partial ones.
-- A deferred length is a total_length that is still null while the upload is uploading.
alter table upload add column content_type varchar(255);
alter table upload add column client_metadata varchar(8192);
alter table upload add column concat_role varchar(8);
alter table upload add constraint upload_concat_role_check check (concat_role in ('PARTIAL', 'FINAL'));

create table upload_part (
    final_id    varchar(32) not null references upload (upload_id),
    part_number integer     not null,
    part_id     varchar(32) not null references upload (upload_id),
    primary key (final_id, part_number),
    constraint upload_part_number_check check (part_number >= 0)
);

create index upload_part_part_idx on upload_part (part_id);
