/**
 * What a CLI command returns when plain JSON on stdout with exit code 0 is
 * not the answer: CSV, or a JSON report with exit code 1 (`audit:verify` on a
 * broken chain). `cli/main.ts` calls `write` and exits with `exitCode`.
 */
export class CliOutput {
  constructor(
    readonly write: (out: NodeJS.WritableStream) => Promise<void>,
    readonly exitCode = 0,
  ) {}

  static json(value: unknown, exitCode = 0): CliOutput {
    return new CliOutput(async (out) => {
      out.write(`${JSON.stringify(value, null, 2)}\n`);
    }, exitCode);
  }
}
