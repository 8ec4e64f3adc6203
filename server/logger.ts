import pino from 'pino';
import { maskPersonalDataInText } from './domain/masking.ts';

export type Logger = pino.Logger;

/**
 * pino with personal data kept out (DESIGN.md principle 8): known secret and
 * personal fields are removed by path, and every line is passed through the
 * ID/phone masker as a last net, so a number inside a message or an error
 * text is masked too.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'secret',
          '*.secret',
          'authorization',
          '*.authorization',
          'req.headers.authorization',
          'idNumber',
          '*.idNumber',
          '*.*.idNumber',
          'phone',
          '*.phone',
          '*.*.phone',
          'name_enc',
          'id_number_enc',
        ],
        censor: '[redacted]',
      },
      hooks: { streamWrite: (s) => maskPersonalDataInText(s) },
    },
    destination,
  );
}
