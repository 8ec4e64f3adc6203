import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const url = (protocols: string[]) => z.string().refine((s) => {
  try { return protocols.includes(new URL(s).protocol); } catch { return false; }
}, { message: `must be a URL with protocol ${protocols.join(' or ')}` });
const hexKey = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)');

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
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  CLICKHOUSE_URL: url(['http:', 'https:']).optional(),
  MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']).optional(),
  /** Credentials the server's own MQTT client uses on an external broker. */
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  /** Shared-subscription group of the ingest on an external broker; processes in one group split the load. */
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('hall-ingest'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Key for AES-256-GCM encryption of personal data; generated into DATA_DIR when absent (demo only). */
  PII_KEY: hexKey.optional(),
  /** Key of the keyed hash (HMAC-SHA256) used to look personal data up without decrypting. */
  PII_HASH_KEY: hexKey.optional(),
  /** Shared secret the external broker sends on the auth webhooks (header x-broker-secret). */
  BROKER_HOOK_SECRET: z.string().min(16).optional(),
  SESSION_TTL_MIN: z.coerce.number().int().min(1).max(7 * 24 * 60).default(12 * 60),
  MAX_PACKET_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /** Demo seeding on first start with an empty database. */
  SEED: z.enum(['demo', 'none']).default('demo'),
  /** Time zone the halls' day (ticket numbers restart daily) is counted in. */
  HALL_TZ: z.string().default('Asia/Shanghai'),
});
export type Config = Readonly<z.infer<typeof configSchema>>;
export const configKeys = Object.keys(configSchema.shape) as (keyof Config)[];
