-- Browser sessions (Spring Session JDBC), so that every instance behind a balancer knows a
-- session that another one created. The layout is Spring Session's own (schema-h2.sql and
-- schema-postgresql.sql in spring-session-jdbc, which differ only in the attribute bytes' type);
-- Flyway owns it, so spring.session.jdbc.initialize-schema is never. Spring Session's queries
-- name the tables without quotes, which PostgreSQL folds to these lower-case names.
-- Expired rows are deleted by Spring Session's cleanup job (spring.session.jdbc.cleanup-cron).
create table spring_session (
    primary_id            char(36)     not null,
    session_id            char(36)     not null,
    creation_time         bigint       not null,
    last_access_time      bigint       not null,
    max_inactive_interval integer      not null,
    expiry_time           bigint       not null,
    principal_name        varchar(100),
    constraint spring_session_pk primary key (primary_id)
);

create unique index spring_session_ix1 on spring_session (session_id);
create index spring_session_ix2 on spring_session (expiry_time);
create index spring_session_ix3 on spring_session (principal_name);

-- The serialized attributes (the security context, the CSRF token, flash messages); bytea means
-- a variable-length binary on both H2 and PostgreSQL, as upload.hash_state does.
create table spring_session_attributes (
    session_primary_id char(36)     not null,
    attribute_name     varchar(200) not null,
    attribute_bytes    bytea        not null,
    constraint spring_session_attributes_pk primary key (session_primary_id, attribute_name),
    constraint spring_session_attributes_fk foreign key (session_primary_id)
        references spring_session (primary_id) on delete cascade
);
