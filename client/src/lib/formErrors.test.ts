import { CreateUserSchema, PasswordSchema } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { fieldErrors, generatePassword } from './formErrors.js';

describe('fieldErrors', () => {
  it('gives one readable sentence per field', () => {
    const result = CreateUserSchema.safeParse({
      username: 'Bad Name!',
      displayName: '',
      role: 'boss',
      agentId: null,
      password: 'short',
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    const errors = fieldErrors(result.error, {
      username: 'Username',
      displayName: 'Name',
      password: 'Password',
      role: 'Role',
    });
    expect(errors.username).toBe('Username may hold lowercase letters, digits and . _ - only');
    expect(errors.displayName).toBe('Name is required');
    expect(errors.password).toBe('Password needs at least 12 characters');
    expect(errors.role).toBe('choose a role');
  });
});

describe('generatePassword', () => {
  it('makes passwords the server accepts, without look-alike characters', () => {
    const password = generatePassword();
    expect(password).toHaveLength(16);
    expect(PasswordSchema.safeParse(password).success).toBe(true);
    expect(password).not.toMatch(/[0O1lI]/);
  });

  it('uses the random source it is given', () => {
    const zeros = (buffer: Uint32Array) => buffer.fill(0);
    expect(generatePassword(12, zeros)).toBe('aaaaaaaaaaaa');
    expect(generatePassword()).not.toBe(generatePassword());
  });
});
