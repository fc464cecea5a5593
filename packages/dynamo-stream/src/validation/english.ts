// The English locale by file: `zod/locales` would load every locale (the build inlines
// what the package uses of zod, see tsup.config.ts).

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod's English messages. Classic `zod` installs them as the default locale; `zod/mini`
 * does not (its issues read `Invalid input` unless a locale is configured), so the few
 * messages this package leaves to zod ask for English explicitly, and read exactly as
 * they did with classic zod.
 */

let localeError: z.core.$ZodErrorMap | undefined;

/**
 * The English message of a zod issue, e.g. `Invalid input: expected string, received number`.
 * @internal
 */
export const english: z.core.$ZodErrorMap = (issue) => {
  localeError ??= en().localeError;
  return localeError(issue);
};

/** Parse options that give every message without a custom one in English. @internal */
export const ENGLISH: z.core.ParseContext<z.core.$ZodIssue> = { error: english };

/**
 * A schema that parses with the zod schema `build()` returns (built on first use) and
 * English messages, reporting its issues unchanged. `accept`, when given, is a plain-code
 * shortcut: a value it returns is taken as the result without running zod, and
 * `undefined` defers to zod. @internal
 */
export const englishSchema = <Output, Input = unknown>(
  build: () => z.ZodMiniType<Output>,
  accept?: (input: unknown) => Output | undefined,
): z.ZodMiniType<Output, Input> => {
  let schema: z.ZodMiniType<Output> | undefined;
  return z.transform((input: unknown, ctx): Output => {
    const accepted = accept?.(input);
    if (accepted !== undefined) return accepted;
    schema ??= build();
    const result = schema.safeParse(input, ENGLISH);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
    return z.NEVER;
  }) as unknown as z.ZodMiniType<Output, Input>;
};
