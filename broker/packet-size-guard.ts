import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * A maximum packet size for Aedes 1.2, which has none: its parser would buffer
 * a declared 256 MB body. The guard sits between the TCP socket and Aedes,
 * reads only the fixed header of each MQTT packet (MQTT 3.1.1 §2.2) and cuts
 * the connection as soon as a header declares a packet larger than the limit,
 * before any of its body is passed on or buffered. Everything else goes through
 * byte for byte.
 */

export type ScanResult =
  { ok: true } | { ok: false; reason: 'too-large'; declaredSize: number } | { ok: false; reason: 'malformed' };

/** Where the scanner is inside the current packet. */
type State = 'type' | 'length' | 'body';

/**
 * Tracks packet boundaries over a byte stream split into arbitrary chunks.
 * Once it has failed it stays failed.
 * @example
 * const s = new PacketSizeScanner(1024);
 * s.push(Buffer.from([0x30, 0x80])); // { ok: true }: length not complete yet
 * s.push(Buffer.from([0x10]));       // { ok: false, reason: 'too-large', declaredSize: 2051 }
 */
export class PacketSizeScanner {
  private state: State = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private failure: ScanResult | null = null;

  constructor(readonly maxPacketBytes: number) {}

  push(chunk: Uint8Array): ScanResult {
    if (this.failure) return this.failure;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        // Skip the body without looking at it.
        const n = Math.min(this.bodyLeft, chunk.length - i);
        i += n;
        this.bodyLeft -= n;
        if (this.bodyLeft === 0) this.state = 'type';
      } else if (this.state === 'type') {
        // Byte 1: packet type and flags (§2.2.1, §2.2.2); Aedes' parser judges them.
        i += 1;
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else {
        // Remaining Length, §2.2.3: 7 bits per byte, least significant first,
        // the high bit says another byte follows, at most four bytes.
        const b = chunk[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes += 1;
        if (b & 0x80) {
          if (this.lengthBytes === 4) return this.fail({ ok: false, reason: 'malformed' });
          continue;
        }
        const total = 1 + this.lengthBytes + this.length;
        if (total > this.maxPacketBytes) return this.fail({ ok: false, reason: 'too-large', declaredSize: total });
        this.bodyLeft = this.length;
        this.state = this.length === 0 ? 'type' : 'body';
      }
    }
    return { ok: true };
  }

  private fail(r: ScanResult): ScanResult {
    this.failure = r;
    return r;
  }
}

export interface PacketViolation {
  reason: 'too-large' | 'malformed';
  remoteAddress: string | undefined;
  /** Whole packet size the fixed header declared (header included); absent when malformed. */
  declaredSize?: number;
}

export interface PacketSizeGuardOptions {
  maxPacketBytes: number;
  onViolation(v: PacketViolation): void;
}

export class PacketTooLargeError extends Error {
  constructor(
    readonly violation: PacketViolation,
    max: number,
  ) {
    super(
      violation.reason === 'too-large'
        ? `MQTT packet of ${violation.declaredSize} bytes exceeds the limit of ${max} bytes`
        : 'malformed MQTT remaining length (more than 4 bytes)',
    );
    this.name = 'PacketTooLargeError';
  }
}

/**
 * Wraps a socket in a Duplex that Aedes can `handle()`: reads come from the
 * socket through the scanner, writes go straight to the socket. On a
 * violation the socket is destroyed, `onViolation` is called once and the
 * wrapper is destroyed with a `PacketTooLargeError` (Aedes then ends the
 * session as for any network failure, so the will is published).
 */
export function guardConnection(socket: Socket, o: PacketSizeGuardOptions): GuardedConnection {
  return new GuardedConnection(socket, o);
}

export class GuardedConnection extends Duplex {
  private readonly scanner: PacketSizeScanner;
  private ended = false;

  constructor(
    readonly socket: Socket,
    private readonly o: PacketSizeGuardOptions,
  ) {
    super({ allowHalfOpen: false });
    this.scanner = new PacketSizeScanner(o.maxPacketBytes);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  private readonly onData = (chunk: Buffer): void => {
    const r = this.scanner.push(chunk);
    if (!r.ok) {
      const v: PacketViolation = {
        reason: r.reason,
        remoteAddress: this.socket.remoteAddress,
        ...(r.reason === 'too-large' ? { declaredSize: r.declaredSize } : {}),
      };
      this.socket.destroy();
      this.destroy(new PacketTooLargeError(v, this.o.maxPacketBytes));
      this.o.onViolation(v);
      return;
    }
    // Backpressure: stop reading the socket while the consumer is behind.
    if (!this.push(chunk)) this.socket.pause();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.push(null);
  };

  private readonly onError = (err: Error): void => {
    this.destroy(err);
  };

  private readonly onClose = (): void => {
    // After a clean end the consumer still has to read what is buffered
    // (a DISCONNECT must not be lost, or the will would fire); it destroys us
    // when it sees 'end'. A close without end is a broken connection.
    if (!this.ended) this.destroy();
  };

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.afterWrite(this.socket.destroyed ? true : this.socket.write(chunk), cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    if (this.socket.destroyed) return cb();
    this.socket.cork();
    let ok = true;
    for (const c of chunks) ok = this.socket.write(c.chunk);
    this.socket.uncork();
    this.afterWrite(ok, cb);
  }

  private afterWrite(ok: boolean, cb: (err?: Error | null) => void): void {
    if (ok) return cb();
    const done = (): void => {
      this.socket.off('drain', done);
      this.socket.off('close', done);
      cb();
    };
    this.socket.on('drain', done);
    this.socket.on('close', done);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    // A late socket error must not become an uncaught 'error' event.
    this.socket.on('error', () => {});
    this.socket.destroy();
    cb(err);
  }
}
