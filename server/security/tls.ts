import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { HallError, type Config } from '../../contracts/index.ts';

/** The PEM material of TLS_CERT_FILE / TLS_KEY_FILE / TLS_CA_FILE, read and checked once at start. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  /** The first certificate of TLS_CERT_FILE: for the start-up log and an expiry warning. */
  subject: string;
  notAfter: Date;
}

export type TlsConfig = Pick<Config, 'TLS_CERT_FILE' | 'TLS_KEY_FILE' | 'TLS_CA_FILE' | 'HTTPS'>;

/** Options every TLS listener of the product uses (GB/T 22239-2019 8.1.2.2: TLS 1.2 or newer). */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

const bad = (variable: string, reason: string) =>
  new HallError('HALL_ERR_CONFIG', `invalid configuration: ${variable}: ${reason}`, {
    problems: [`${variable}: ${reason}`],
  });

/**
 * Reads the TLS files, or returns null when TLS is not configured. Refuses,
 * with `HALL_ERR_CONFIG` naming the variable: a certificate without a key (or
 * the reverse), a CA file or `HTTPS=on` without both, a file that is missing
 * or unreadable, and a certificate/key pair that is not valid PEM or does not match.
 * @example const m = await loadTlsMaterial(config); // null unless TLS_CERT_FILE and TLS_KEY_FILE are set
 */
export async function loadTlsMaterial(c: TlsConfig): Promise<TlsMaterial | null> {
  if (!c.TLS_CERT_FILE !== !c.TLS_KEY_FILE) {
    throw bad(
      c.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE',
      'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    );
  }
  if (!c.TLS_CERT_FILE || !c.TLS_KEY_FILE) {
    if (c.TLS_CA_FILE) throw bad('TLS_CA_FILE', 'needs TLS_CERT_FILE and TLS_KEY_FILE');
    if (c.HTTPS === 'on') throw bad('HTTPS', 'HTTPS=on needs TLS_CERT_FILE and TLS_KEY_FILE');
    return null;
  }
  const read = async (variable: string, file: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (e) {
      throw bad(variable, `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  };
  const cert = await read('TLS_CERT_FILE', c.TLS_CERT_FILE);
  const key = await read('TLS_KEY_FILE', c.TLS_KEY_FILE);
  const ca = c.TLS_CA_FILE ? await read('TLS_CA_FILE', c.TLS_CA_FILE) : undefined;

  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw bad('TLS_CERT_FILE', `${c.TLS_CERT_FILE} holds no PEM certificate (${(e as Error).message})`);
  }
  if (ca) {
    try {
      new X509Certificate(ca);
    } catch (e) {
      throw bad('TLS_CA_FILE', `${c.TLS_CA_FILE} holds no PEM certificate (${(e as Error).message})`);
    }
  }
  try {
    // Fails on an unreadable key or a key that does not belong to the certificate.
    tls.createSecureContext({ cert, key, ...(ca ? { ca } : {}), minVersion: TLS_MIN_VERSION });
  } catch (e) {
    throw bad(
      'TLS_KEY_FILE',
      `${c.TLS_KEY_FILE} is not the PEM private key of ${c.TLS_CERT_FILE} (${(e as Error).message})`,
    );
  }
  return { cert, key, ...(ca ? { ca } : {}), subject: x509.subject, notAfter: new Date(x509.validTo) };
}
