import type { z } from 'zod';
import { CliError } from '../output.js';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Validates CLI input with the same schema as the config file; errors name the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CliError(`${issue.path.join('.') || 'input'}: ${issue.message}`, 2);
  }
  return result.data;
}
