import { readFileSync } from 'node:fs';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** A few hundred of the most used passwords (data/common-passwords.txt), compared case-insensitively. */
const COMMON = new Set(
  readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.normalize('NFC').toLowerCase()),
);

export function isCommonPassword(password: string): boolean {
  return COMMON.has(password.normalize('NFC').trim().toLowerCase());
}

/**
 * Why a password may not be used by the user with this email, or null when it may: at least 12
 * characters, not the email nor its local part, not one of the most common passwords.
 */
export function passwordProblem(password: string, email: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const candidate = password.normalize('NFC').trim().toLowerCase();
  const address = email.trim().toLowerCase();
  if (candidate === address || candidate === address.split('@')[0]) return 'must not be your email address';
  if (isCommonPassword(password)) return 'is one of the most common passwords; choose another';
  return null;
}
