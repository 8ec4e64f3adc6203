-- Foundation schema (issue 2). PostgreSQL is the system of record (DESIGN.md principle 1).

CREATE TABLE IF NOT EXISTS regions (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('city', 'district', 'town', 'village')),
  parent_code text REFERENCES regions(code)
);

CREATE TABLE IF NOT EXISTS halls (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  region_code text NOT NULL REFERENCES regions(code),
  level       text NOT NULL CHECK (level IN ('city', 'district', 'town', 'village')),
  address     text,
  -- One writer order per hall (DESIGN.md principle 2): every change takes the next seq.
  seq         bigint NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS departments (
  id      text PRIMARY KEY,
  hall_id text NOT NULL REFERENCES halls(id),
  name    text NOT NULL
);

CREATE TABLE IF NOT EXISTS queues (
  id         text PRIMARY KEY,
  hall_id    text NOT NULL REFERENCES halls(id),
  name       text NOT NULL,
  prefix     text NOT NULL,
  daily_cap  integer NOT NULL DEFAULT 999,
  open_from  time NOT NULL DEFAULT '00:00',
  open_to    time NOT NULL DEFAULT '24:00',
  UNIQUE (hall_id, prefix)
);

CREATE TABLE IF NOT EXISTS items (
  hall_id       text NOT NULL REFERENCES halls(id),
  code          text NOT NULL,
  name          text NOT NULL,
  department_id text NOT NULL REFERENCES departments(id),
  queue_id      text NOT NULL REFERENCES queues(id),
  promised_days integer,
  PRIMARY KEY (hall_id, code)
);

CREATE TABLE IF NOT EXISTS windows (
  id      text PRIMARY KEY,
  hall_id text NOT NULL REFERENCES halls(id),
  no      text NOT NULL,
  name    text NOT NULL,
  UNIQUE (hall_id, no)
);

CREATE TABLE IF NOT EXISTS window_queues (
  window_id text NOT NULL REFERENCES windows(id),
  queue_id  text NOT NULL REFERENCES queues(id),
  weight    integer NOT NULL DEFAULT 1,
  PRIMARY KEY (window_id, queue_id)
);

CREATE TABLE IF NOT EXISTS devices (
  id           text PRIMARY KEY,
  hall_id      text NOT NULL REFERENCES halls(id),
  kind         text NOT NULL CHECK (kind IN ('ticketer', 'caller', 'rater', 'camera', 'display')),
  -- SHA-256 of a 32-byte random secret: high-entropy machine secrets need no slow hash (ADR 0003).
  secret_hash  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  online       boolean NOT NULL DEFAULT false,
  last_seen_at timestamptz,
  status       jsonb
);
CREATE INDEX IF NOT EXISTS devices_hall ON devices (hall_id);

CREATE TABLE IF NOT EXISTS users (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role          text NOT NULL,
  hall_id       text REFERENCES halls(id),
  region_code   text REFERENCES regions(code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);

CREATE TABLE IF NOT EXISTS sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);

CREATE TABLE IF NOT EXISTS queue_counters (
  queue_id text NOT NULL REFERENCES queues(id),
  day      date NOT NULL,
  last_no  integer NOT NULL,
  PRIMARY KEY (queue_id, day)
);

CREATE TABLE IF NOT EXISTS tickets (
  id            uuid PRIMARY KEY,
  hall_id       text NOT NULL REFERENCES halls(id),
  queue_id      text NOT NULL REFERENCES queues(id),
  item_code     text NOT NULL,
  day           date NOT NULL,
  ticket_no     text NOT NULL,
  status        text NOT NULL DEFAULT 'waiting',
  issued_at     timestamptz NOT NULL,
  device_id     text,
  seq           bigint NOT NULL,
  -- Personal data: encrypted (AES-256-GCM) plus a keyed hash for look-up (DESIGN.md principle 8).
  applicant_key text,
  id_number_enc text,
  name_enc      text,
  phone_enc     text,
  UNIQUE (queue_id, day, ticket_no)
);
CREATE INDEX IF NOT EXISTS tickets_waiting ON tickets (hall_id, queue_id, day) WHERE status = 'waiting';

-- Device message inbox: drops redeliveries by (deviceId, id) and keeps the first reply.
CREATE TABLE IF NOT EXISTS inbox (
  device_id   text NOT NULL,
  msg_id      text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  reply_type  text,
  reply       jsonb,
  PRIMARY KEY (device_id, msg_id)
);
CREATE INDEX IF NOT EXISTS inbox_received ON inbox USING brin (received_at);

-- Transactional outbox: every change writes its event here in the same transaction.
CREATE TABLE IF NOT EXISTS outbox (
  id         bigserial PRIMARY KEY,
  hall_id    text NOT NULL,
  seq        bigint NOT NULL,
  type       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  relayed_at timestamptz,
  UNIQUE (hall_id, seq)
);
CREATE INDEX IF NOT EXISTS outbox_unrelayed ON outbox (id) WHERE relayed_at IS NULL;

-- Refused input, kept for inspection (DESIGN.md principle 7).
CREATE TABLE IF NOT EXISTS dead_letters (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  source    text NOT NULL,
  code      text NOT NULL,
  device_id text,
  topic     text,
  detail    text,
  payload   bytea
);
CREATE INDEX IF NOT EXISTS dead_letters_at ON dead_letters USING brin (at);

-- Device presence and status over time; a hypertable when TimescaleDB is present.
CREATE TABLE IF NOT EXISTS device_state_log (
  at        timestamptz NOT NULL,
  device_id text NOT NULL,
  hall_id   text NOT NULL,
  state     text NOT NULL,
  status    jsonb
);
CREATE INDEX IF NOT EXISTS device_state_log_at ON device_state_log USING brin (at);
CREATE INDEX IF NOT EXISTS device_state_log_device ON device_state_log (device_id, at DESC);
