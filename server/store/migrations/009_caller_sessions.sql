-- Issue 4: staff signed in on a window caller (呼叫器). One row per caller
-- device: the window it signed in at, who, and the `caller` session that
-- signInCaller created (only its SHA-256, as in `sessions`). Every call.*
-- from the device checks this row and the session behind it, so revoking the
-- user's sessions, the session's lifetime and sign-out end the caller's
-- right to operate the window at once.
CREATE TABLE IF NOT EXISTS caller_sessions (
  device_id    text PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  window_id    text NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  user_id      bigint NOT NULL REFERENCES users(id),
  session_hash text NOT NULL REFERENCES sessions(token_hash) ON DELETE CASCADE,
  signed_in_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS caller_sessions_user ON caller_sessions (user_id);
