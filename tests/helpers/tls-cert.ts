import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/** A self-signed certificate for 127.0.0.1/localhost (EC P-256), as PEM strings and as files in a temp dir. */
export interface TestCert {
  cert: string;
  key: string;
  dir: string;
  certFile: string;
  keyFile: string;
}

export async function makeTestCert(): Promise<TestCert> {
  const r = await generate([{ name: 'commonName', value: 'hall-test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'hall-tls-'));
  const certFile = path.join(dir, 'cert.pem'),
    keyFile = path.join(dir, 'key.pem');
  await writeFile(certFile, r.cert);
  await writeFile(keyFile, r.private, { mode: 0o600 });
  return { cert: r.cert, key: r.private, dir, certFile, keyFile };
}
