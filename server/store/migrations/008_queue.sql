-- Issue 4: queue assignment and calling (排队叫号, 001 §1.1.1.15–17).
-- The pure engine (server/domain/queue) works on a hall day's state; these
-- tables are where that state lives between operations and processes.

-- Configuration ─────────────────────────────────────────────────────────────
-- Bumped by every configuration change of the hall: processes that cache the
-- hall's queue configuration reload it when the number moved.
ALTER TABLE halls ADD COLUMN IF NOT EXISTS config_version bigint NOT NULL DEFAULT 0;
-- Calling policy overrides (starvation limit, skip mode, …); NULL = defaults.
ALTER TABLE halls ADD COLUMN IF NOT EXISTS queue_policy jsonb;
ALTER TABLE queues ADD COLUMN IF NOT EXISTS department_id text REFERENCES departments(id);
ALTER TABLE windows ADD COLUMN IF NOT EXISTS department_id text REFERENCES departments(id);
-- The window's rating terminal (评价器): completion prompts it (一次一评).
ALTER TABLE windows ADD COLUMN IF NOT EXISTS rater_device_id text REFERENCES devices(id);
-- A caller bound to a window acts for that window only; NULL = any window of its hall.
ALTER TABLE devices ADD COLUMN IF NOT EXISTS window_id text REFERENCES windows(id);

-- Queue–window configuration by time period of the day (按时间段, issue 4).
-- A window with rows here serves, in [period_from, period_to), the listed
-- queues with their weights; a window without rows serves its
-- window_queues all day.
CREATE TABLE IF NOT EXISTS window_periods (
  window_id   text NOT NULL REFERENCES windows(id) ON DELETE CASCADE,
  period_from time NOT NULL,
  period_to   time NOT NULL,
  queue_id    text NOT NULL REFERENCES queues(id),
  weight      real NOT NULL DEFAULT 1 CHECK (weight > 0),
  PRIMARY KEY (window_id, period_from, queue_id),
  CHECK (period_from < period_to)
);

-- Tickets: the engine's fields ──────────────────────────────────────────────
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS n integer,
  ADD COLUMN IF NOT EXISTS class text NOT NULL DEFAULT 'walk-in',
  ADD COLUMN IF NOT EXISTS target_window_id text,
  ADD COLUMN IF NOT EXISTS window_id text,
  ADD COLUMN IF NOT EXISTS called_at timestamptz,
  ADD COLUMN IF NOT EXISTS started_at timestamptz,
  ADD COLUMN IF NOT EXISTS ended_at timestamptz,
  ADD COLUMN IF NOT EXISTS outcome text,
  ADD COLUMN IF NOT EXISTS calls integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS recalls integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS skip_count integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS skipped_at timestamptz,
  ADD COLUMN IF NOT EXISTS return_at_queue_call integer,
  ADD COLUMN IF NOT EXISTS reactivations integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS transfers integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS appointment_code text,
  ADD COLUMN IF NOT EXISTS drop_reason text,
  -- Staff signed in at the window when the ticket was called / completed.
  ADD COLUMN IF NOT EXISTS staff_user_id bigint;
UPDATE tickets SET n = substring(ticket_no FROM '[0-9]+$')::int WHERE n IS NULL;
CREATE INDEX IF NOT EXISTS tickets_hall_day ON tickets (hall_id, day);

-- The hall day's engine state that is not per ticket: window status and
-- current ticket, counters, recent service times. `version` moves with every
-- queue operation; its row lock serialises the hall's queue operations
-- across processes (lock order: this row, then the hall row's seq).
CREATE TABLE IF NOT EXISTS hall_queue_state (
  hall_id        text PRIMARY KEY REFERENCES halls(id),
  day            date NOT NULL,
  version        bigint NOT NULL DEFAULT 0,
  issued         jsonb NOT NULL DEFAULT '{}',
  queue_calls    jsonb NOT NULL DEFAULT '{}',
  windows        jsonb NOT NULL DEFAULT '{}',
  recent_service jsonb NOT NULL DEFAULT '{}',
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Who works at a window now (signed in on the console or the caller).
CREATE TABLE IF NOT EXISTS window_staff (
  window_id  text PRIMARY KEY REFERENCES windows(id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users(id),
  via        text NOT NULL CHECK (via IN ('console', 'caller')),
  device_id  text,
  since      timestamptz NOT NULL
);

-- Completion opens the case (办件, DOMAIN.md "Case flow"); the case capability
-- builds on these rows.
CREATE TABLE IF NOT EXISTS cases (
  id            uuid PRIMARY KEY,
  hall_id       text NOT NULL REFERENCES halls(id),
  ticket_id     uuid NOT NULL UNIQUE,
  item_code     text NOT NULL,
  department_id text,
  window_id     text NOT NULL,
  staff_user_id bigint,
  outcome       text NOT NULL,
  applicant_key text,
  taken_at      timestamptz NOT NULL,
  called_at     timestamptz NOT NULL,
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz NOT NULL,
  seq           bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_hall_ended ON cases (hall_id, ended_at);
