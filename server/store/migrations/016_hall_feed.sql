-- The hall feed (docs/architecture.md "Reads from memory"): every server
-- process keeps each hall's view in memory and must see every hall's events
-- in seq order, whichever process committed them. The outbox insert itself
-- notifies, so no writer can forget it; PostgreSQL delivers a notice at
-- commit, in commit order, never for a rolled-back change, and a hall's seqs
-- commit in order (the hall row lock, outbox-repo.ts takeHallSeq).
--
-- Channel `hall_feed`, JSON payloads:
--   the event itself (it has hallId and seq), when it fits NOTIFY's 8000
--   bytes; else {"hallId","seq","large":true} and the reader takes the
--   event from the outbox;
--   {"hallId","changed":"<table>"} when something a hall's snapshot shows
--   changed without an event: its windows, queues, devices (added,
--   revoked, moved), the staff signed in at a window, the hall's name,
--   region or queue configuration version. Device presence (online, last_seen_at) is an event already and
--   is not repeated here.
CREATE OR REPLACE FUNCTION notify_hall_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  body text := NEW.payload::text;
BEGIN
  IF octet_length(body) < 7900 THEN
    PERFORM pg_notify('hall_feed', body);
  ELSE
    PERFORM pg_notify('hall_feed', json_build_object('hallId', NEW.hall_id, 'seq', NEW.seq, 'large', true)::text);
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS outbox_feed ON outbox;
CREATE TRIGGER outbox_feed AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION notify_hall_event();

CREATE OR REPLACE FUNCTION notify_hall_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_ record;
  hall text;
BEGIN
  IF TG_OP = 'DELETE' THEN row_ := OLD; ELSE row_ := NEW; END IF;
  IF TG_TABLE_NAME IN ('window_queues', 'window_staff') THEN
    SELECT w.hall_id INTO hall FROM windows w WHERE w.id = row_.window_id;
  ELSIF TG_TABLE_NAME = 'halls' THEN
    hall := row_.id;
  ELSE
    hall := row_.hall_id;
  END IF;
  IF hall IS NOT NULL THEN
    PERFORM pg_notify('hall_feed', json_build_object('hallId', hall, 'changed', TG_TABLE_NAME)::text);
  END IF;
  -- A device or window moved to another hall: the old hall changed too.
  -- (Nested: PL/pgSQL does not promise to skip OLD.hall_id on a table that has none.)
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME IN ('devices', 'windows', 'queues') THEN
    IF OLD.hall_id IS DISTINCT FROM NEW.hall_id THEN
      PERFORM pg_notify('hall_feed', json_build_object('hallId', OLD.hall_id, 'changed', TG_TABLE_NAME)::text);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- halls.seq moves with every event: only the columns a snapshot shows.
DROP TRIGGER IF EXISTS halls_feed ON halls;
-- config_version: a queue configuration change (items, periods, …) that every process's queue
-- service must reload (server/commands/hall-config).
CREATE TRIGGER halls_feed AFTER UPDATE OF name, region_code, config_version ON halls
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.region_code IS DISTINCT FROM NEW.region_code
    OR OLD.config_version IS DISTINCT FROM NEW.config_version)
  EXECUTE FUNCTION notify_hall_changed();
DROP TRIGGER IF EXISTS halls_added_feed ON halls;
CREATE TRIGGER halls_added_feed AFTER INSERT ON halls FOR EACH ROW EXECUTE FUNCTION notify_hall_changed();

DROP TRIGGER IF EXISTS windows_feed ON windows;
CREATE TRIGGER windows_feed AFTER INSERT OR UPDATE OR DELETE ON windows
  FOR EACH ROW EXECUTE FUNCTION notify_hall_changed();

DROP TRIGGER IF EXISTS window_queues_feed ON window_queues;
CREATE TRIGGER window_queues_feed AFTER INSERT OR UPDATE OR DELETE ON window_queues
  FOR EACH ROW EXECUTE FUNCTION notify_hall_changed();

DROP TRIGGER IF EXISTS queues_feed ON queues;
CREATE TRIGGER queues_feed AFTER INSERT OR UPDATE OR DELETE ON queues
  FOR EACH ROW EXECUTE FUNCTION notify_hall_changed();

DROP TRIGGER IF EXISTS window_staff_feed ON window_staff;
CREATE TRIGGER window_staff_feed AFTER INSERT OR UPDATE OR DELETE ON window_staff
  FOR EACH ROW EXECUTE FUNCTION notify_hall_changed();

-- Presence columns (online, last_seen_at, status) arrive as events; these are what the device list shows otherwise.
DROP TRIGGER IF EXISTS devices_feed ON devices;
CREATE TRIGGER devices_feed AFTER INSERT OR DELETE OR UPDATE OF hall_id, kind, revoked_at ON devices
  FOR EACH ROW EXECUTE FUNCTION notify_hall_changed();
