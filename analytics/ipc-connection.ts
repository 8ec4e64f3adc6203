import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Connection, ConnBaseQueryParams } from '@clickhouse/client-common';

/**
 * Embedded ClickHouse (chDB) with several server processes (docs/scaling.md):
 * chDB allows one data directory per process, so one process (the owner)
 * opens it and the others send their reads to it over the cluster's IPC
 * channel. This is the `@clickhouse/client` Connection those processes use;
 * the read models call the same client API as everywhere else. Reads only:
 * the relay, which writes, runs in the owner. A ClickHouse server
 * (CLICKHOUSE_URL) needs none of this: every process talks to it directly.
 *
 * Messages (JSON, the cluster's default; the read models bind strings and numbers only):
 *   worker → primary → owner: { t: 'ch', id, op: 'query' | 'command' | 'ping', params }
 *   owner → primary → worker: { t: 'ch-reply', id, bytes?, error? }
 */
export interface ChRequest {
  t: 'ch';
  id: string;
  op: 'query' | 'command' | 'ping';
  params: Omit<ConnBaseQueryParams, 'abort_signal'>;
}
export interface ChReply {
  t: 'ch-reply';
  id: string;
  /** The result, base64. */
  b64?: string;
  error?: string;
}

interface Channel {
  send(m: unknown): unknown;
  on(ev: 'message', fn: (m: unknown) => void): unknown;
}

const TIMEOUT_MS = 30_000;

function baseParams(p: ConnBaseQueryParams): ChRequest['params'] {
  const { abort_signal: _a, ...rest } = p;
  return rest;
}

/** The Connection of a process without chDB: every call goes to the owner. */
export function createIpcConnection(channel: Channel): Connection<Readable> {
  const waiting = new Map<string, { resolve(b: Uint8Array): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  channel.on('message', (m) => {
    const r = m as Partial<ChReply>;
    if (r.t !== 'ch-reply' || typeof r.id !== 'string') return;
    const w = waiting.get(r.id);
    if (!w) return;
    waiting.delete(r.id);
    clearTimeout(w.timer);
    if (r.error !== undefined) w.reject(new Error(r.error));
    else w.resolve(Buffer.from(r.b64 ?? '', 'base64'));
  });
  const call = (op: ChRequest['op'], params: ConnBaseQueryParams) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('analytics owner did not answer in 30 s'));
      }, TIMEOUT_MS);
      timer.unref();
      waiting.set(id, { resolve, reject, timer });
      const req: ChRequest = { t: 'ch', id, op, params: baseParams(params) };
      channel.send(req);
    });
  const base = (query_id?: string) => ({
    query_id: query_id ?? randomUUID(),
    response_headers: {},
    http_status_code: 200,
  });
  const readOnly = () => Promise.reject(new Error('analytics writes run in the owner process only'));
  return {
    async ping() {
      try {
        await call('ping', { query: 'SELECT 1' });
        return { success: true };
      } catch (e) {
        return { success: false, error: e as Error };
      }
    },
    async query(params) {
      const bytes = await call('query', params);
      return { stream: Readable.from([Buffer.from(bytes)]), ...base(params.query_id) };
    },
    async command(params) {
      await call('command', params);
      return { ...base(params.query_id), summary: undefined } as never;
    },
    exec: readOnly,
    insert: readOnly,
    async close() {
      for (const [id, w] of waiting) {
        clearTimeout(w.timer);
        w.reject(new Error('analytics connection closed'));
        waiting.delete(id);
      }
    },
  } as Connection<Readable>;
}

/** The owner's side: answers `ch` requests with its own (chDB) connection. */
export function serveIpcConnection(conn: Connection<Readable>, channel: Channel): void {
  channel.on('message', (m) => {
    const r = m as Partial<ChRequest>;
    if (r.t !== 'ch' || typeof r.id !== 'string' || !r.params) return;
    const id = r.id;
    const params = r.params;
    const run = async (): Promise<Uint8Array> => {
      if (r.op === 'ping') {
        const p = await conn.ping({ select: true } as never);
        if (!p.success) throw p.error;
        return new Uint8Array();
      }
      if (r.op === 'command') {
        await conn.command(params);
        return new Uint8Array();
      }
      const res = await conn.query(params);
      const chunks: Buffer[] = [];
      for await (const c of res.stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
      return Buffer.concat(chunks);
    };
    run().then(
      (bytes) => channel.send({ t: 'ch-reply', id, b64: Buffer.from(bytes).toString('base64') } satisfies ChReply),
      (e: unknown) => channel.send({ t: 'ch-reply', id, error: (e as Error).message } satisfies ChReply),
    );
  });
}
