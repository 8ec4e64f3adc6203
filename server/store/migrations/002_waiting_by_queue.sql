-- The ticket path counts a queue's waiting tickets while it holds the hall's
-- seq lock. `tickets_waiting` starts with hall_id, which that count does not
-- give, so PostgreSQL read every ticket the queue issued that day
-- (docs/benchmarks.md, bench:ingest reading 3). This partial index answers
-- the count from the waiting tickets alone.
CREATE INDEX IF NOT EXISTS tickets_waiting_by_queue ON tickets (queue_id, day) WHERE status = 'waiting';
