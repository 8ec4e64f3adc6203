-- Issue 5: the outbox relay to ClickHouse (ingest/outbox-relay.ts, ADR 0008).
-- Per hall, seqs are gapless and commit in order (the hall row lock), so what
-- the relay has delivered is one number per hall: every event of the hall up
-- to relay_cursor.seq is in ClickHouse. A batch is planned as seq ranges per
-- hall and the plan is stored BEFORE the insert: after a crash between the
-- insert and the cursor update, the same plan (same rows, same insert
-- deduplication token) is sent again and ClickHouse drops it as a duplicate.
CREATE TABLE IF NOT EXISTS relay_cursor (
  hall_id text PRIMARY KEY REFERENCES halls(id),
  seq     bigint NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS relay_pending (
  id         smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  token      text NOT NULL,
  ranges     jsonb NOT NULL,
  events     integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- relayed_at is not set by the relay (the cursor says it for a whole hall at
-- once, without rewriting every outbox row); the partial index on it only
-- cost an index entry per event.
DROP INDEX IF EXISTS outbox_unrelayed;
