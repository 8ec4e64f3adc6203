import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HallError } from '../../contracts/index.ts';
import { loadTlsMaterial, type TlsConfig } from './tls.ts';
import { makeTestCert, type TestCert } from '../../tests/helpers/tls-cert.ts';

describe('loadTlsMaterial', () => {
  let c: TestCert;
  beforeAll(async () => {
    c = await makeTestCert();
  });
  afterAll(async () => {
    await rm(c.dir, { recursive: true, force: true });
  });
  const cfg = (o: Partial<TlsConfig>): TlsConfig => ({ HTTPS: 'off', ...o });
  const refusal = async (o: Partial<TlsConfig>) => {
    const e = await loadTlsMaterial(cfg(o)).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(HallError);
    expect((e as HallError).code).toBe('HALL_ERR_CONFIG');
    return (e as HallError).message;
  };

  it('is null without TLS and reads a valid pair', async () => {
    expect(await loadTlsMaterial(cfg({}))).toBeNull();
    const m = (await loadTlsMaterial(
      cfg({ TLS_CERT_FILE: c.certFile, TLS_KEY_FILE: c.keyFile, TLS_CA_FILE: c.certFile, HTTPS: 'on' }),
    ))!;
    expect(m.cert.toString()).toBe(c.cert);
    expect(m.ca?.toString()).toBe(c.cert);
    expect(m.subject).toContain('hall-test');
    expect(m.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it('names the variable that is wrong', async () => {
    expect(await refusal({ TLS_CERT_FILE: path.join(c.dir, 'nope.pem'), TLS_KEY_FILE: c.keyFile })).toMatch(
      /TLS_CERT_FILE: cannot read .*nope\.pem \(ENOENT\)/,
    );
    expect(await refusal({ TLS_CERT_FILE: c.certFile, TLS_KEY_FILE: c.dir })).toMatch(/TLS_KEY_FILE: cannot read/);
    expect(await refusal({ TLS_KEY_FILE: c.keyFile })).toMatch(/TLS_CERT_FILE/);
    expect(await refusal({ TLS_CA_FILE: c.certFile })).toMatch(/TLS_CA_FILE/);
    expect(await refusal({ HTTPS: 'on' })).toMatch(/HTTPS/);
    const junk = path.join(c.dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    expect(await refusal({ TLS_CERT_FILE: junk, TLS_KEY_FILE: c.keyFile })).toMatch(
      /TLS_CERT_FILE: .*no PEM certificate/,
    );
    expect(await refusal({ TLS_CERT_FILE: c.certFile, TLS_KEY_FILE: junk })).toMatch(/TLS_KEY_FILE/);
    expect(await refusal({ TLS_CERT_FILE: c.certFile, TLS_KEY_FILE: c.keyFile, TLS_CA_FILE: junk })).toMatch(
      /TLS_CA_FILE/,
    );
  });
});
