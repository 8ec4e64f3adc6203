-- Issue 4 (bench:queue, ADR 0006 "One statement per operation"): a queue
-- operation is ONE autocommit statement when the process already holds the
-- hall's current state. The statement checks the state row's version and the
-- device message's inbox claim itself; when either fails, this guard aborts
-- the whole statement so nothing of it is written:
--   40001 (serialization_failure): the state moved on (another process, a
--         configuration change); the service reloads under the row lock and
--         runs the operation again;
--   HQ409: the device message was handled before (a redelivery); the
--          service answers with the stored reply.
CREATE OR REPLACE FUNCTION queue_write_guard(state_current boolean, message_fresh boolean) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT state_current THEN
    RAISE EXCEPTION 'hall queue state moved on' USING ERRCODE = '40001';
  END IF;
  IF NOT message_fresh THEN
    RAISE EXCEPTION 'device message already handled' USING ERRCODE = 'HQ409';
  END IF;
  RETURN true;
END $$;
