import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import {
  PacketSizeScanner,
  guardConnection,
  type GuardedConnection,
  type PacketViolation,
} from './packet-size-guard.ts';

/** A packet with the given first byte and a body of `n` bytes (all 0xff, to look like header bytes). */
function packet(first: number, n: number): Buffer {
  const len: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    len.push(b);
  } while (x > 0);
  return Buffer.concat([Buffer.from([first, ...len]), Buffer.alloc(n, 0xff)]);
}

/** Feeds `bytes` split at every position in `cuts`; returns the first failure or ok. */
function feed(max: number, bytes: Buffer, cuts: number[]) {
  const s = new PacketSizeScanner(max);
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    const r = s.push(bytes.subarray(from, c));
    from = c;
    if (!r.ok) return r;
  }
  return { ok: true } as const;
}

const pingreq = Buffer.from([0xc0, 0x00]);
const valid = Buffer.concat([packet(0x10, 30), packet(0x32, 200), pingreq, packet(0x30, 0), packet(0x30, 1000)]);

describe('PacketSizeScanner', () => {
  it('passes valid packets whole', () => {
    expect(feed(2048, valid, [])).toEqual({ ok: true });
  });

  it('passes valid packets split at every byte boundary, and byte by byte', () => {
    for (let cut = 1; cut < valid.length; cut++) expect(feed(2048, valid, [cut])).toEqual({ ok: true });
    expect(
      feed(
        2048,
        valid,
        Array.from({ length: valid.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual({ ok: true });
  });

  it('accepts a packet of exactly the limit and refuses one byte more', () => {
    // 0x30, two length bytes (2045 ≥ 128), 2045 body bytes = 2048.
    expect(feed(2048, packet(0x30, 2045), [])).toEqual({ ok: true });
    expect(feed(2048, packet(0x30, 2046), [])).toEqual({ ok: false, reason: 'too-large', declaredSize: 2049 });
  });

  it('refuses an oversized packet whose header is split across chunks, after valid ones', () => {
    const big = packet(0x30, 10_000); // 1 + 2 + 10000
    const bytes = Buffer.concat([valid, big]);
    for (const cut of [valid.length, valid.length + 1, valid.length + 2, valid.length + 3]) {
      expect(feed(2048, bytes, [cut])).toEqual({ ok: false, reason: 'too-large', declaredSize: 10_003 });
    }
  });

  it('judges a packet when its header is complete, before any body arrives', () => {
    const s = new PacketSizeScanner(2048);
    expect(s.push(Buffer.from([0x30, 0x90]))).toEqual({ ok: true });
    expect(s.push(Buffer.from([0x4e]))).toEqual({
      ok: false,
      reason: 'too-large',
      declaredSize: 1 + 2 + 0x10 + 0x4e * 128,
    });
  });

  it('decodes the largest 4-byte length (268,435,455) and refuses it', () => {
    const r = feed(16 * 1024 * 1024, Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]), [2, 4]);
    expect(r).toEqual({ ok: false, reason: 'too-large', declaredSize: 1 + 4 + 268_435_455 });
  });

  it('treats a fifth length byte as malformed, split or not', () => {
    const bytes = Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(feed(1 << 30, bytes, [])).toEqual({ ok: false, reason: 'malformed' });
    expect(feed(1 << 30, bytes, [1, 2, 3, 4])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('does not read body bytes as headers', () => {
    // The body is all 0xff: read as headers it would be malformed.
    expect(feed(2048, packet(0x30, 500), [3, 100, 250])).toEqual({ ok: true });
  });

  it('stays failed', () => {
    const s = new PacketSizeScanner(10);
    expect(s.push(packet(0x30, 20)).ok).toBe(false);
    expect(s.push(pingreq)).toEqual({ ok: false, reason: 'too-large', declaredSize: 22 });
  });
});

describe('guardConnection', () => {
  let server: net.Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = undefined;
  });

  /** A real TCP pair: the peer (client side) and the guarded server side. */
  async function pair(max: number, violations: PacketViolation[]) {
    const accepted = new Promise<GuardedConnection>((resolve) => {
      server = net.createServer((s) =>
        resolve(guardConnection(s, { maxPacketBytes: max, onViolation: (v) => violations.push(v) })),
      );
    });
    server!.listen(0, '127.0.0.1');
    await once(server!, 'listening');
    const peer = net.connect((server!.address() as net.AddressInfo).port, '127.0.0.1');
    await once(peer, 'connect');
    return { peer, guarded: await accepted };
  }

  function collect(s: NodeJS.ReadableStream): Buffer[] {
    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    return got;
  }

  const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

  it('passes bytes through both ways, across split writes', async () => {
    const violations: PacketViolation[] = [];
    const { peer, guarded } = await pair(2048, violations);
    const got = collect(guarded);
    const back = collect(peer);
    for (let i = 0; i < valid.length; i += 7) {
      peer.write(valid.subarray(i, i + 7));
      await tick(1);
    }
    guarded.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    await tick();
    expect(Buffer.concat(got).equals(valid)).toBe(true);
    expect(Buffer.concat(back)).toEqual(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    expect(violations).toEqual([]);
    peer.end();
    await once(guarded, 'end');
    guarded.destroy();
  });

  it('destroys the connection on an oversized header before passing its body', async () => {
    const violations: PacketViolation[] = [];
    const { peer, guarded } = await pair(2048, violations);
    const got = collect(guarded);
    const errors: Error[] = [];
    guarded.on('error', (e) => errors.push(e));
    const big = packet(0x30, 10_000);
    peer.write(big.subarray(0, 2));
    await tick();
    peer.on('error', () => {});
    peer.write(big.subarray(2));
    await once(peer, 'close');
    expect(violations).toEqual([{ reason: 'too-large', remoteAddress: '127.0.0.1', declaredSize: 10_003 }]);
    expect(guarded.destroyed).toBe(true);
    expect(guarded.socket.destroyed).toBe(true);
    expect(errors[0]?.name).toBe('PacketTooLargeError');
    // Only the first two bytes (the incomplete header) may have gone through.
    expect(Buffer.concat(got).length).toBeLessThanOrEqual(2);
  });

  it('destroys the connection on a malformed remaining length', async () => {
    const violations: PacketViolation[] = [];
    const { peer, guarded } = await pair(2048, violations);
    guarded.on('error', () => {});
    peer.on('error', () => {});
    peer.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]));
    await once(peer, 'close');
    expect(violations).toEqual([{ reason: 'malformed', remoteAddress: '127.0.0.1' }]);
  });

  it('keeps bytes the peer sent before ending (a DISCONNECT must not be lost)', async () => {
    const { peer, guarded } = await pair(2048, []);
    peer.end(Buffer.from([0xe0, 0x00]));
    await tick(50);
    const got = collect(guarded);
    await once(guarded, 'end');
    expect(Buffer.concat(got)).toEqual(Buffer.from([0xe0, 0x00]));
  });
});
