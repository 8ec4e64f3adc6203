-- Issue 3: identification and authentication (GB/T 22239-2019 8.1.4.1;
-- docs/authentication.md). Lockout state, password age, the TOTP second
-- factor (secret encrypted with the PII cipher) and the caller PIN (argon2id)
-- on users; idle timeout, kind and the "must enrol TOTP" restriction on
-- sessions; single-use caller sign-in tokens.
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS failed_logins        integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS locked_until         timestamptz,
  ADD COLUMN IF NOT EXISTS lock_count           integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS password_changed_at  timestamptz,
  ADD COLUMN IF NOT EXISTS must_change_password boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS totp_secret_enc      text,
  ADD COLUMN IF NOT EXISTS totp_enabled_at      timestamptz,
  -- The last accepted TOTP time step: a code is never accepted twice (RFC 6238 §5.2).
  ADD COLUMN IF NOT EXISTS totp_last_step       bigint,
  ADD COLUMN IF NOT EXISTS pin_hash             text;
UPDATE users SET password_changed_at = created_at WHERE password_changed_at IS NULL;
ALTER TABLE users ALTER COLUMN password_changed_at SET DEFAULT now();

ALTER TABLE sessions
  ADD COLUMN IF NOT EXISTS last_seen_at     timestamptz,
  -- Idle timeout fixed when the session was created (SESSION_IDLE_MIN then); NULL = none.
  ADD COLUMN IF NOT EXISTS idle_min         integer,
  ADD COLUMN IF NOT EXISTS kind             text NOT NULL DEFAULT 'web',
  -- An administrator signed in without a second factor yet: only TOTP enrolment and logout.
  ADD COLUMN IF NOT EXISTS must_enroll_totp boolean NOT NULL DEFAULT false;
UPDATE sessions SET last_seen_at = created_at WHERE last_seen_at IS NULL;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET DEFAULT now();
ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_kind_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_kind_check CHECK (kind IN ('web', 'caller'));
CREATE INDEX IF NOT EXISTS sessions_user_live ON sessions (user_id) WHERE revoked_at IS NULL;

-- Single-use caller (呼叫器) sign-in tokens: the staff console shows one as a QR
-- code, the caller sends it over MQTT (issue 4). Only the SHA-256 is stored.
CREATE TABLE IF NOT EXISTS caller_tokens (
  token_hash text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX IF NOT EXISTS caller_tokens_user ON caller_tokens (user_id);
