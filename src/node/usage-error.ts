/** A command line a tool cannot run: its main() prints the message and the usage, and exits with 2. */
export class UsageError extends Error {}
