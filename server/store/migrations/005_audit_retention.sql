-- Issue 3: chain head, retention anchor and pruning for the audit log
-- (GB/T 22239-2019 8.1.4.3 c: audit records are protected and kept safe from
-- unexpected deletion, modification or overwriting; 网络安全法 art. 21:
-- network logs are kept at least six months). See docs/audit.md.

-- The chain head: id and hash of the last row appended. It moves in the same
-- transaction as each INSERT (trigger below), so a deleted LAST row, which
-- leaves no broken link behind, still shows as a head the table no longer
-- reaches.
CREATE TABLE IF NOT EXISTS audit_head (
  one       boolean PRIMARY KEY DEFAULT true CHECK (one),
  last_id   bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_head (one, last_id, last_hash)
SELECT true, COALESCE(max(id), 0), COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), repeat('0', 64))
FROM audit_log
ON CONFLICT (one) DO NOTHING;

-- The retention anchor: the last pruned row. Verification starts from it
-- instead of the genesis hash, so pruning old rows does not break the chain.
CREATE TABLE IF NOT EXISTS audit_anchor (
  one          boolean PRIMARY KEY DEFAULT true CHECK (one),
  last_id      bigint NOT NULL,
  last_hash    text NOT NULL,
  last_at      timestamptz NOT NULL,
  pruned_total bigint NOT NULL,
  pruned_at    timestamptz NOT NULL
);

-- Every INSERT must extend the head: a row that skips back or links to
-- anything but the head's hash is refused, so the chain cannot fork.
CREATE OR REPLACE FUNCTION audit_log_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE h audit_head%ROWTYPE;
BEGIN
  SELECT * INTO h FROM audit_head FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_head is missing' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.id <= h.last_id OR NEW.prev_hash <> h.last_hash THEN
    RAISE EXCEPTION 'audit_log row % does not extend the chain head %', NEW.id, h.last_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS audit_log_link ON audit_log;
CREATE TRIGGER audit_log_link BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_link();

-- The head moves only from that trigger (trigger depth 2), and only forward.
CREATE OR REPLACE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.last_id > OLD.last_id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_head moves only with an audit_log insert' USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_head_no_change ON audit_head;
CREATE TRIGGER audit_head_no_change BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_guard();

-- The anchor moves only inside audit_prune() (the session flag below), only
-- forward, and only onto a real row older than the 180-day floor with its
-- real hash.
CREATE OR REPLACE FUNCTION audit_anchor_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE'
     AND current_setting('hall.audit_prune', true) = 'on'
     AND (TG_OP = 'INSERT' OR NEW.last_id > OLD.last_id)
     AND EXISTS (SELECT 1 FROM audit_log l WHERE l.id = NEW.last_id AND l.hash = NEW.last_hash AND l.at = NEW.last_at
                 AND l.at < now() - interval '180 days') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_anchor moves only through audit_prune()' USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_anchor_no_change ON audit_anchor;
CREATE TRIGGER audit_anchor_no_change BEFORE INSERT OR UPDATE OR DELETE ON audit_anchor
  FOR EACH ROW EXECUTE FUNCTION audit_anchor_guard();

-- UPDATE stays refused for everyone. DELETE is allowed only for rows at or
-- before the anchor, older than 180 days, while audit_prune() runs. The
-- session flag alone proves nothing (any session may set a custom setting);
-- the anchor and the age floor are what hold.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('hall.audit_prune', true) = 'on'
     AND OLD.at < now() - interval '180 days'
     AND OLD.id <= (SELECT last_id FROM audit_anchor) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

-- TRUNCATE skips row triggers: refuse it on all three tables.
CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head;
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();
DROP TRIGGER IF EXISTS audit_anchor_no_truncate ON audit_anchor;
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();

-- Pruning: removes the longest prefix (in id order) of rows older than
-- `cutoff`, after moving the anchor onto its last row. Refuses a cutoff less
-- than 180 days ago whatever AUDIT_RETENTION_DAYS says. Takes the chain's
-- append lock (server/store/audit-repo.ts CHAIN_LOCK) so no append races it.
-- SECURITY DEFINER and no EXECUTE for PUBLIC: where the application runs as
-- its own role, only the owner (or a role granted EXECUTE) can prune.
CREATE OR REPLACE FUNCTION audit_prune(cutoff timestamptz)
RETURNS TABLE (pruned bigint, anchor_id bigint, anchor_hash text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  stop_id bigint;
  a record;
  n bigint;
BEGIN
  IF cutoff > now() - interval '180 days' THEN
    RAISE EXCEPTION 'audit rows are kept at least 180 days; cutoff % is too recent', cutoff
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM pg_advisory_xact_lock(7311403);
  SELECT min(l.id) INTO stop_id FROM audit_log l WHERE l.at >= cutoff;
  SELECT l.id, l.hash, l.at INTO a FROM audit_log l WHERE stop_id IS NULL OR l.id < stop_id ORDER BY l.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 0::bigint, x.last_id, x.last_hash FROM (SELECT 1) one LEFT JOIN audit_anchor x ON true;
    RETURN;
  END IF;
  SELECT count(*) INTO n FROM audit_log l WHERE l.id <= a.id;
  PERFORM set_config('hall.audit_prune', 'on', true);
  INSERT INTO audit_anchor AS x (one, last_id, last_hash, last_at, pruned_total, pruned_at)
  VALUES (true, a.id, a.hash, a.at, n, now())
  ON CONFLICT (one) DO UPDATE SET last_id = EXCLUDED.last_id, last_hash = EXCLUDED.last_hash,
    last_at = EXCLUDED.last_at, pruned_total = x.pruned_total + EXCLUDED.pruned_total, pruned_at = EXCLUDED.pruned_at;
  DELETE FROM audit_log l WHERE l.id <= a.id;
  PERFORM set_config('hall.audit_prune', 'off', true);
  RETURN QUERY SELECT n, a.id, a.hash;
END $$;
REVOKE ALL ON FUNCTION audit_prune(timestamptz) FROM PUBLIC;
