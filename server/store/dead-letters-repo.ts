import { maskPersonalDataInPayload, maskPersonalDataInText } from '../domain/masking.ts';
import type { Db } from './pool.ts';

export interface DeadLetter {
  source: 'mqtt' | 'broker' | 'http' | 'socket';
  code: string;
  deviceId?: string | undefined;
  topic?: string | undefined;
  detail?: string | undefined;
  payload?: Buffer | string | undefined;
}

/** Keeps at most this much of a refused payload: enough to inspect, not a disk-filling vector. */
const KEEP_BYTES = 64 * 1024;

/** Refused input is kept for inspection (DESIGN.md principle 7). Never throws: it is the error path. */
export async function recordDeadLetter(db: Db, d: DeadLetter): Promise<void> {
  const payload = d.payload === undefined ? null : masked(Buffer.from(d.payload)).subarray(0, KEEP_BYTES);
  await db
    .query(
      'INSERT INTO dead_letters (source, code, device_id, topic, detail, payload) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        d.source,
        d.code,
        d.deviceId ?? null,
        d.topic ?? null,
        d.detail === undefined ? null : maskPersonalDataInText(d.detail.slice(0, 2000)),
        payload,
      ],
    )
    .catch(() => undefined);
}

/** Personal data in a refused payload is kept masked only (docs/personal-data.md); binary payloads are kept as they are. */
function masked(raw: Buffer): Buffer {
  const b = raw.length > 4 * KEEP_BYTES ? raw.subarray(0, KEEP_BYTES) : raw;
  try {
    const text = b.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(b)) return b;
    return Buffer.from(b.length > KEEP_BYTES ? maskPersonalDataInText(text) : maskPersonalDataInPayload(text), 'utf8');
  } catch {
    return Buffer.alloc(0); // could not be masked: keep nothing rather than personal data
  }
}
