-- Issue 3: the audit log (GB/T 22239-2019 8.1.4.3 security audit; seed 001
-- §1.1.1.48: who, which function, IP, time). Append-only: the application
-- only INSERTs, the trigger refuses UPDATE and DELETE, and every row carries
-- the hash of the row before it, so an edit or a deletion made around the
-- trigger (by a superuser) breaks the chain that `audit:verify` checks.
CREATE TABLE IF NOT EXISTS audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL,
  user_id   bigint,
  username  text,
  role      text,
  ip        text,
  action    text NOT NULL,
  target    text,
  result    text NOT NULL,
  detail    jsonb,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log USING brin (at);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
