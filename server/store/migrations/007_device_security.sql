-- Issue 3, device security (等保2.0 level 3; seed 001 §1.1.1.17: every service
-- point manages only its own software and hardware). The registry keeps who
-- revoked a device and when its secret was last rotated; `last_seen_at`
-- (001) is now also marked by the broker on connect and publish, at most once
-- a minute per device.
--
-- No previous-secret grace period: a rotation ends the old secret at once and
-- disconnects the live connection (docs/mqtt.md "Credentials lifecycle"). A
-- rotation is usually the answer to a secret that may have leaked, and the
-- operator installs the new secret on the device anyway.
ALTER TABLE devices ADD COLUMN IF NOT EXISTS last_seen_at timestamptz;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS secret_rotated_at timestamptz;
-- Who revoked it: the staff user name, or `os:{account}` when the CLI did it.
ALTER TABLE devices ADD COLUMN IF NOT EXISTS revoked_by text;
