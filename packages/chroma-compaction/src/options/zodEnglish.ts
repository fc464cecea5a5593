import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

let english: z.core.$ZodErrorMap | undefined;

/**
 * Parse options that give zod's English messages. `zod/mini` (small enough for a zip
 * Lambda) ships no default locale, so the package's file formats ask for English by name.
 * @internal
 */
export const ENGLISH_PARSE: z.core.ParseContext<z.core.$ZodIssue> = {
  error: (issue) => {
    english ??= en().localeError;
    return english(issue);
  },
};

/** `path: message` of every issue, joined with `; `. @internal */
export const issueSummary = (error: z.core.$ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
