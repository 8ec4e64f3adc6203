import { z } from 'zod';

/**
 * Every refusal the product gives, to a device, a REST caller or a socket,
 * carries one of these codes (fastify-style `HALL_ERR_*`), so operators can
 * count and search them and devices can react without parsing prose.
 */
export const ERROR_CODES = {
  HALL_ERR_BAD_JSON: 'payload is not valid JSON',
  HALL_ERR_BAD_ENVELOPE: 'payload does not match the envelope {v:1,id,ts,type,data}',
  HALL_ERR_UNKNOWN_TYPE: 'message type is unknown for this device kind',
  HALL_ERR_BAD_DATA: 'message data does not match its schema',
  HALL_ERR_TYPE_MISMATCH: 'envelope type differs from the topic type',
  HALL_ERR_PAYLOAD_TOO_LARGE: 'payload exceeds the allowed size',
  HALL_ERR_TOPIC_FORBIDDEN: 'device may not publish or subscribe on this topic',
  HALL_ERR_BAD_TOPIC: 'topic does not follow halls/{hallId}/{kind}/{deviceId}/...',
  HALL_ERR_UNKNOWN_DEVICE: 'device is not registered',
  HALL_ERR_UNKNOWN_ITEM: 'service item is not offered in this hall',
  HALL_ERR_QUEUE_CLOSED: 'queue takes no tickets now',
  HALL_ERR_BAD_REQUEST: 'request body or query is invalid',
  HALL_ERR_UNAUTHENTICATED: 'sign in first',
  HALL_ERR_BAD_CREDENTIALS: 'wrong user name or password',
  HALL_ERR_FORBIDDEN: 'your role or scope does not allow this',
  HALL_ERR_NOT_FOUND: 'no such resource',
  HALL_ERR_CONFLICT: 'resource already exists',
  HALL_ERR_INTERNAL: 'internal error; the request changed nothing',
  HALL_ERR_UNAVAILABLE: 'service is starting or stopping',
  HALL_ERR_NOT_SUPPORTED: 'message type is defined but not handled by this version',
  HALL_ERR_CONFIG: 'configuration value is invalid',
  HALL_ERR_DUPLICATE: 'message id already processed; the first reply is repeated',
  HALL_ERR_ACCOUNT_LOCKED: 'too many failed sign-ins; the account is locked for a while',
  HALL_ERR_SECOND_FACTOR_REQUIRED: 'this account needs a one-time code (TOTP) to sign in',
  HALL_ERR_BAD_SECOND_FACTOR: 'the one-time code is wrong or expired',
  HALL_ERR_WEAK_PASSWORD: 'the password does not meet the password rules',
  HALL_ERR_RATE_LIMITED: 'too many requests; try again later',
  HALL_ERR_SESSION_EXPIRED: 'the session timed out; sign in again',
  HALL_ERR_DEVICE_REVOKED: 'the device is revoked',
  HALL_ERR_NOT_AT_WINDOW: 'sign in at this window first: staff operate only the window they are signed in at',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

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
