/**
 * A file of no bytes, in the same words for the CLI and the export page: the usual cause is a copy or download that
 * never finished, not a format problem, so the message says that rather than "not a video".
 */
export const EMPTY_FILE = {
  title: (name: string) => `${name} is empty (0 bytes).`,
  action:
    'There is nothing in it to anonymize: it was probably not copied or downloaded completely. Get the complete file and try again.',
};
