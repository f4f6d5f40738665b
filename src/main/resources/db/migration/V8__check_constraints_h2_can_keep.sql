-- H2 2.4 keeps a CHECK with IN (or with ORs of equalities, which it rewrites to IN) bound
-- to the session that created it: once that connection is closed while the database stays
-- open (the pool retires connections, Flyway's among them), every insert and update of the
-- table fails with "Check constraint invalid". A simple CASE keeps working, and means the
-- same on PostgreSQL. ConstraintsSurviveTheirConnectionTests shows the failure.
alter table upload drop constraint upload_status_check;
alter table upload add constraint upload_status_check check (
    case status when 'UPLOADING' then true when 'COMPLETE' then true when 'ABORTED' then true
        when 'EXPIRED' then true else false end);

alter table upload drop constraint upload_concat_role_check;
alter table upload add constraint upload_concat_role_check check (
    case coalesce(concat_role, 'PARTIAL') when 'PARTIAL' then true when 'FINAL' then true else false end);
