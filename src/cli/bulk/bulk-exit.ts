/** Exit codes of `account-linker bulk`, documented in docs/bulk-linking.md. */
export const BULK_EXIT = {
  /** Every row was accepted (and, with --wait, linked). */
  ok: 0,
  /** At least one row was rejected or failed; the results file and summary say which and why. */
  rowsFailed: 1,
  /** The file or the options cannot be used; nothing was sent. */
  badInput: 2,
  /** The API refused the run or could not be reached; re-running the same command resumes. */
  apiError: 3,
} as const;

/** An error that ends the command with a given exit code and a message for the user. */
export class BulkExitError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const badFile = (file: string, what: string) => new BulkExitError(BULK_EXIT.badInput, `${file}: ${what}; nothing was sent.`);
