import { z } from 'zod';
import { roles, type Role } from './rest.ts';
import { demoPaceSchema } from './sim.ts';

const port = z.coerce.number().int().min(0).max(65535);
const url = (protocols: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with protocol ${protocols.join(' or ')}` },
  );
const hexKey = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)');
/** A comma-separated role list, or `none`. */
const roleList = z.string().transform((s, ctx): Role[] => {
  if (s.trim() === 'none') return [];
  const list = s
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = list.filter((r) => !(roles as readonly string[]).includes(r));
  if (bad.length > 0 || list.length === 0)
    ctx.addIssue({
      code: 'custom',
      message: `must be \`none\` or roles from ${roles.join(',')}${bad.length ? ` (unknown: ${bad.join(',')})` : ''}`,
    });
  return list as Role[];
});

/**
 * Configuration, parsed once at start from the environment and frozen
 * (fastify-style). Every variable is documented in docs/configuration.md.
 */
export const configSchema = z.object({
  HTTP_PORT: port.default(8080),
  HTTP_HOST: z.string().default('0.0.0.0'),
  MQTT_PORT: port.default(1883),
  MQTT_HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  SIM: z.enum(['on', 'off']).default('on'),
  /** Simulated arrivals per minute across the demo city. */
  SIM_RATE: z.coerce.number().min(0).max(100000).default(30),
  /**
   * Pace of the simulator's arrivals: `always` = SIM_RATE at every hour, so the demo moves
   * whenever it is started (the wall shows "demo pace"); `hall-clock` = the halls' working day.
   */
  DEMO_PACE: demoPaceSchema.default('always'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  CLICKHOUSE_URL: url(['http:', 'https:']).optional(),
  MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']).optional(),
  /** Credentials the server's own MQTT client uses on an external broker. */
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  /** Shared-subscription group of the ingest on an external broker; processes in one group split the load. */
  MQTT_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('hall-ingest'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Key for AES-256-GCM encryption of personal data; generated into DATA_DIR when absent (demo only). */
  PII_KEY: hexKey.optional(),
  /** Key of the keyed hash (HMAC-SHA256) used to look personal data up without decrypting. */
  PII_HASH_KEY: hexKey.optional(),
  /** Cipher that encrypts new personal data; both are always read (docs/personal-data.md). */
  PII_CIPHER: z.enum(['aes-256-gcm', 'sm4-cbc']).default('aes-256-gcm'),
  /** SM4 key (16 bytes hex) for PII_CIPHER=sm4-cbc; generated into DATA_DIR when absent (demo only). */
  PII_SM4_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex characters (16 bytes)')
    .optional(),
  /** HMAC-SM3 key (32 bytes hex) of the SM4 values; derived from PII_SM4_KEY with HKDF-SM3 when absent. */
  PII_SM4_MAC_KEY: hexKey.optional(),
  /** Shared secret the external broker sends on the auth webhooks (header x-broker-secret). */
  BROKER_HOOK_SECRET: z.string().min(16).optional(),
  /**
   * With an external broker: URL the server calls with DELETE to disconnect a revoked or rotated
   * device at once; `{clientid}` is replaced, user:password become Basic auth (EMQX: /api/v5/clients/{clientid}).
   */
  BROKER_KICK_URL: url(['http:', 'https:']).optional(),
  /** TLS (PEM files). With cert and key the embedded broker also listens with TLS on MQTT_TLS_PORT. */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** CA certificate(s) sent with the server's chain (intermediates) and trusted for client certificates. */
  TLS_CA_FILE: z.string().optional(),
  MQTT_TLS_PORT: port.default(8883),
  /** `on` (with TLS_CERT_FILE and TLS_KEY_FILE): HTTP and Socket.IO are served as HTTPS/WSS on HTTP_PORT. */
  HTTPS: z.enum(['on', 'off']).default('off'),
  SESSION_TTL_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(12 * 60),
  // ── Sign-in hardening (docs/authentication.md) ──
  /** Minutes without use after which a session ends (REST and sockets). */
  SESSION_IDLE_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** Roles that must sign in with a TOTP code; `none` for none (demo convenience only). */
  TOTP_REQUIRED_ROLES: roleList.prefault('sysadmin,secadmin,auditadmin'),
  /** Consecutive failed sign-ins (password, TOTP code or caller PIN) that lock an account. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** First lock in minutes; each further lock doubles up to LOGIN_LOCK_MAX_MIN. */
  LOGIN_LOCK_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(1),
  LOGIN_LOCK_MAX_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Failed sign-ins allowed per client IP and user name, and per client IP, in 15 minutes (then 429). */
  LOGIN_RATE_PER_ACCOUNT: z.coerce.number().int().min(1).max(100000).default(10),
  LOGIN_RATE_PER_IP: z.coerce.number().int().min(1).max(100000).default(50),
  /** Data exports (audit log, later reports) per user and hour. */
  EXPORT_RATE_PER_HOUR: z.coerce.number().int().min(1).max(100000).default(30),
  /**
   * PostgreSQL connections per process. Queue operations hold one from BEGIN to COMMIT, and a
   * commit waits for the WAL flush: more connections let more commits share a flush
   * (bench:queue, docs/benchmarks.md). Keep processes × PG_POOL_MAX under max_connections.
   */
  /** Hours a processed device message id (and its reply) is kept for retries and redeliveries; older rows are pruned. */
  INBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24),
  /** Outbox relay to ClickHouse (ADR 0008): pause between steps when idle; 0 turns the timer off (steps only on demand). */
  RELAY_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  /** SEED=demo only: days of SYNTHETIC history written to ClickHouse on a fresh demo, so the leadership screens have trends (analytics/demo-history.ts); 0 = none. */
  DEMO_HISTORY_DAYS: z.coerce.number().int().min(0).max(366).default(45),
  /** Folder of the deployment's region maps, `{regionCode}.geojson` each (leadership screens); unset → synthetic tiles. */
  MAP_GEOJSON_DIR: z.string().min(1).optional(),
  /** Events per relay batch (one ClickHouse insert) at most. */
  RELAY_BATCH_MAX: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  /** Outbox rows already in ClickHouse and older than this are deleted by the relay (hourly); 0 keeps them forever. */
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  PG_POOL_MAX: z.coerce.number().int().min(2).max(500).default(32),
  /** Socket handshakes one server process admits per second; past it a client is told HALL_ERR_BUSY with a time to come back (docs/scaling.md). */
  SOCKET_ADMIT_PER_SEC: z.coerce.number().int().min(1).max(1_000_000).default(1500),
  /** Event-loop delay (ms) above which a process turns new sockets away with HALL_ERR_BUSY, whatever the rate. */
  SOCKET_ADMIT_MAX_LAG_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Open sockets one sign-in session may hold in one process (a wall PC with its tabs); more are HALL_ERR_TOO_MANY_SOCKETS. */
  SOCKETS_PER_SESSION: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** `hall:join` + `hall:resync` one socket may send per second, after a burst of ten seconds' worth; more get HALL_ERR_RATE_LIMITED. */
  SOCKET_JOINS_PER_SEC: z.coerce.number().min(0.1).max(100_000).default(2),
  /** Leadership reads: callers with the same scope asking the same question within this many ms share one answer; 0 = every call computes (docs/scaling.md). */
  READ_SHARE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Server processes sharing HTTP_PORT (docs/scaling.md): 1 = one process; 0 = one per core. */
  WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  MAX_PACKET_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  /** Demo seeding on first start with an empty database. */
  SEED: z.enum(['demo', 'none']).default('demo'),
  /** Time zone the halls' day (ticket numbers restart daily) is counted in. */
  HALL_TZ: z.string().default('Asia/Shanghai'),
  /** Days audit rows are kept before `audit:prune` may remove them; at least 180 (网络安全法 art. 21: six months; docs/audit.md). */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180).max(36500).default(365),
});
export type Config = Readonly<z.infer<typeof configSchema>>;
export const configKeys = Object.keys(configSchema.shape) as (keyof Config)[];
