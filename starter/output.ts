/** What a command prints and its exit code. */
export interface CommandResult {
  output: string;
  exitCode: number;
}

/** Wrong words on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A resource or workflow that does not exist: exit code 3. */
export class NotFoundError extends Error {}
