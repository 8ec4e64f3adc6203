import type { ErrorRequestHandler, Request } from 'express';
import { errorBody, HallError, httpStatusOf } from '../../contracts/index.ts';
import type { Metrics } from '../metrics.ts';
import type { Logger } from '../logger.ts';
import { recordDeadLetter } from '../store/dead-letters-repo.ts';
import type { Db } from '../store/pool.ts';

/** Turns any error into a coded JSON body; counts it and keeps bad input as a dead letter. */
export function errorHandler(db: Db, metrics: Metrics, logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: HallError;
    if (err instanceof HallError) e = err;
    else if ((err as { type?: string }).type === 'entity.parse.failed')
      e = new HallError('HALL_ERR_BAD_JSON', 'request body is not valid JSON');
    else if ((err as { type?: string }).type === 'entity.too.large') e = new HallError('HALL_ERR_PAYLOAD_TOO_LARGE');
    // Other client errors of the body parser or the router (unsupported charset or encoding, a
    // corrupt gzip body, an undecodable %-escape in the path): a coded 400, not a 500 (found by tests/e2e/fuzz.test.ts).
    else if (isClientError(err))
      e = new HallError(
        'HALL_ERR_BAD_REQUEST',
        `request could not be read (${String((err as { type?: string }).type ?? (err as { status: number }).status)})`,
      );
    else {
      logger.error({ err, path: req.path }, 'request failed');
      e = new HallError('HALL_ERR_INTERNAL');
    }
    const status = httpStatusOf(e.code);
    metrics.refused.inc({ source: 'http', code: e.code });
    if (status === 400 || status === 413) {
      void recordDeadLetter(db, {
        source: 'http',
        code: e.code,
        topic: `${req.method} ${req.path}`,
        detail: e.message,
        payload: bodyText(req),
      });
    }
    res.status(status).json(errorBody(e.code, e.message, e.details));
  };
}

function bodyText(req: Request): string | undefined {
  if (req.body === undefined) return undefined;
  // Never keep a secret in a dead letter: passwords, one-time codes, PINs, tokens (docs/authentication.md).
  const b =
    typeof req.body === 'object' && req.body !== null
      ? {
          ...req.body,
          password: undefined,
          oldPassword: undefined,
          newPassword: undefined,
          totp: undefined,
          code: undefined,
          pin: undefined,
          token: undefined,
        }
      : req.body;
  // A body nested deeper than JSON.stringify's stack allows must not turn a 400 into a 500 (tests/e2e/fuzz.test.ts).
  try {
    return JSON.stringify(b);
  } catch {
    return '[body not serialisable]';
  }
}

/** A 4xx from body-parser (http-errors sets `expose` for client errors) or the router's param decoding (a URIError). */
function isClientError(err: unknown): boolean {
  const e = err as { status?: unknown; expose?: unknown } | null;
  return (
    typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (e.expose === true || err instanceof URIError)
  );
}
