-- Issue 4: the waiting counts come from the queue engine's state (hall_queue_state +
-- tickets of the day, read by hall and day through tickets_hall_day), no longer
-- from SQL counts of status = 'waiting'. The two partial indexes behind those
-- counts only cost index maintenance on every ticket change (bench:queue).
DROP INDEX IF EXISTS tickets_waiting;
DROP INDEX IF EXISTS tickets_waiting_by_queue;

-- Rows that every queue operation updates: leave room on each page so that
-- PostgreSQL can update in place (HOT, no index entries) when no indexed
-- column changes — the common case for a ticket's status and times.
ALTER TABLE hall_queue_state SET (fillfactor = 50);
ALTER TABLE tickets SET (fillfactor = 80);
