-- Session cache invalidation (docs/authentication.md "Sessions"): each server
-- process answers session look-ups from memory, so every write that changes
-- what a look-up answers must tell every process. A trigger sends the notice
-- in the writing statement itself, whoever writes (REST, CLI, an operator in
-- psql); PostgreSQL delivers it at commit, never for a rolled-back change.
-- Payload: the session's token hash, or 'user:<id>' for a change of the user
-- behind sessions. `last_seen_at` (the touch) is not in the column lists: it
-- changes no answer and is written up to once a minute per session.
CREATE OR REPLACE FUNCTION notify_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'sessions' THEN
    PERFORM pg_notify('session_changed', OLD.token_hash);
  ELSE
    PERFORM pg_notify('session_changed', 'user:' || OLD.id);
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS sessions_changed ON sessions;
CREATE TRIGGER sessions_changed
  AFTER UPDATE OF token_hash, user_id, revoked_at, expires_at, idle_min, kind, must_enroll_totp OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_session_changed();

DROP TRIGGER IF EXISTS users_changed ON users;
CREATE TRIGGER users_changed
  AFTER UPDATE OF username, role, hall_id, region_code, department_id, disabled_at, totp_enabled_at, must_change_password
    OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_session_changed();
