import type { z } from 'zod';

/** One sentence per form field, from a schema's issues: the first problem of each field wins. */
export function fieldErrors(error: z.ZodError, labels: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field in errors) continue;
    errors[field] = describeIssue(issue, labels[field] ?? field);
  }
  return errors;
}

/** zod's own sentences name types ("expected string to have >=2 characters"); say it the way people do. */
function describeIssue(issue: z.core.$ZodIssue, label: string): string {
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return Number(issue.minimum) <= 1 ? `${label} is required` : `${label} needs at least ${issue.minimum} characters`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string') {
    return `${label} may have at most ${issue.maximum} characters`;
  }
  if (issue.code === 'invalid_value' || issue.code === 'invalid_type') return `choose a ${label.toLowerCase()}`;
  // Our schemas' own sentences often start with the field's name already ("username may hold …").
  const message = issue.message;
  if (message.toLowerCase().startsWith(label.toLowerCase())) return `${label}${message.slice(label.length)}`;
  return `${label}: ${message}`;
}

/** A random password that passes the server's rules (12+ characters): 16 from an alphabet without look-alikes. */
export function generatePassword(length = 16, random: (buffer: Uint32Array) => Uint32Array = defaultRandom): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const values = random(new Uint32Array(length));
  // 2^32 is not a multiple of the alphabet's size; the bias (< 1e-8) does not matter for a password.
  return Array.from(values, (value) => alphabet[value % alphabet.length]).join('');
}

function defaultRandom(buffer: Uint32Array): Uint32Array {
  return crypto.getRandomValues(buffer);
}
