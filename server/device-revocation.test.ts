import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kickExternalClient } from './device-revocation.ts';

/** BROKER_KICK_URL: the call an external broker (EMQX) gets to disconnect a revoked device. */
describe('kickExternalClient', () => {
  const seen: { method: string; url: string; auth: string | undefined }[] = [];
  let srv: Server;
  let base: string;
  beforeAll(async () => {
    srv = createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
      res.statusCode = req.url!.includes('not-here') ? 404 : req.url!.includes('broken') ? 500 : 204;
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    base = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => srv.close(r));
  });

  it('sends DELETE with the client id in place and the URL credentials as Basic auth', async () => {
    expect(await kickExternalClient(`http://key:s%40cret@${base}/api/v5/clients/{clientid}`, 'tk-1')).toBe(204);
    expect(seen.at(-1)).toEqual({
      method: 'DELETE',
      url: '/api/v5/clients/tk-1',
      auth: `Basic ${Buffer.from('key:s@cret').toString('base64')}`,
    });
  });

  it('counts 404 (client not connected) as done and fails on other errors', async () => {
    expect(await kickExternalClient(`http://${base}/clients/{clientid}`, 'not-here')).toBe(404);
    expect(seen.at(-1)!.auth).toBeUndefined();
    await expect(kickExternalClient(`http://${base}/clients/{clientid}`, 'broken')).rejects.toThrow(/500/);
  });
});
