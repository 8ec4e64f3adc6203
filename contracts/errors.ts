import { z } from 'zod';

/**
 * Every refusal the product gives, to a device, a REST caller or a socket,
 * carries one of these codes (fastify-style `HALL_ERR_*`), so operators can
 * count and search them and devices can react without parsing prose. Each
 * entry carries its HTTP status, so a new code cannot silently become a 500:
 * the REST adapter reads the status from here and nowhere else. Codes that
 * only devices get (envelope, topic, type) answer 400 should a REST caller
 * ever meet them; the server-side ones (internal, configuration, not
 * supported, duplicate) stay 500 as they always answered.
 */
export const ERROR_CATALOG = {
  HALL_ERR_BAD_JSON: { status: 400, message: 'payload is not valid JSON' },
  HALL_ERR_BAD_ENVELOPE: { status: 400, message: 'payload does not match the envelope {v:1,id,ts,type,data}' },
  HALL_ERR_UNKNOWN_TYPE: { status: 400, message: 'message type is unknown for this device kind' },
  HALL_ERR_BAD_DATA: { status: 400, message: 'message data does not match its schema' },
  HALL_ERR_TYPE_MISMATCH: { status: 400, message: 'envelope type differs from the topic type' },
  HALL_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'payload exceeds the allowed size' },
  HALL_ERR_TOPIC_FORBIDDEN: { status: 403, message: 'device may not publish or subscribe on this topic' },
  HALL_ERR_BAD_TOPIC: { status: 400, message: 'topic does not follow halls/{hallId}/{kind}/{deviceId}/...' },
  HALL_ERR_UNKNOWN_DEVICE: { status: 404, message: 'device is not registered' },
  HALL_ERR_UNKNOWN_ITEM: { status: 404, message: 'service item is not offered in this hall' },
  HALL_ERR_QUEUE_CLOSED: { status: 409, message: 'queue takes no tickets now' },
  HALL_ERR_BAD_REQUEST: { status: 400, message: 'request body or query is invalid' },
  HALL_ERR_UNAUTHENTICATED: { status: 401, message: 'sign in first' },
  HALL_ERR_BAD_CREDENTIALS: { status: 401, message: 'wrong user name or password' },
  HALL_ERR_FORBIDDEN: { status: 403, message: 'your role or scope does not allow this' },
  HALL_ERR_NOT_FOUND: { status: 404, message: 'no such resource' },
  HALL_ERR_CONFLICT: { status: 409, message: 'resource already exists' },
  HALL_ERR_INTERNAL: { status: 500, message: 'internal error; the request changed nothing' },
  HALL_ERR_UNAVAILABLE: { status: 503, message: 'service is starting or stopping' },
  HALL_ERR_NOT_SUPPORTED: { status: 500, message: 'message type is defined but not handled by this version' },
  HALL_ERR_CONFIG: { status: 500, message: 'configuration value is invalid' },
  HALL_ERR_DUPLICATE: { status: 500, message: 'message id already processed; the first reply is repeated' },
  HALL_ERR_ACCOUNT_LOCKED: { status: 423, message: 'too many failed sign-ins; the account is locked for a while' },
  HALL_ERR_SECOND_FACTOR_REQUIRED: { status: 401, message: 'this account needs a one-time code (TOTP) to sign in' },
  HALL_ERR_BAD_SECOND_FACTOR: { status: 401, message: 'the one-time code is wrong or expired' },
  HALL_ERR_WEAK_PASSWORD: { status: 400, message: 'the password does not meet the password rules' },
  HALL_ERR_RATE_LIMITED: { status: 429, message: 'too many requests; try again later' },
  HALL_ERR_BUSY: {
    status: 503,
    message: 'the server is admitting clients at its own pace; come back after retryAfterMs',
  },
  HALL_ERR_TOO_MANY_SOCKETS: { status: 429, message: 'this session holds too many open sockets' },
  HALL_ERR_SESSION_EXPIRED: { status: 401, message: 'the session timed out; sign in again' },
  HALL_ERR_DEVICE_REVOKED: { status: 403, message: 'the device is revoked' },
  HALL_ERR_NOT_AT_WINDOW: {
    status: 409,
    message: 'sign in at this window first: staff operate only the window they are signed in at',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The default message of every code (devices and sockets get it when no other is given). */
export const ERROR_CODES = Object.fromEntries(Object.entries(ERROR_CATALOG).map(([code, e]) => [code, e.message])) as {
  [C in ErrorCode]: (typeof ERROR_CATALOG)[C]['message'];
};

/** The HTTP status of a code: total over the catalog. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].status;
}

export const errorCodeSchema = z.enum(Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]]);

/** Body of every REST error and every error ack on a socket. */
export const errorBodySchema = z.object({
  error: z.object({ code: errorCodeSchema, message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A coded error that adapters turn into HTTP status, MQTT down/error or socket ack. */
export class HallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HallError';
  }
}

export function errorBody(code: ErrorCode, message?: string, details?: unknown): ErrorBody {
  return { error: { code, message: message ?? ERROR_CODES[code], ...(details === undefined ? {} : { details }) } };
}
