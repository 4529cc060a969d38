import { describe, expect, it } from 'vitest';
import {
  CreateUserSchema,
  can,
  maskPhoneNumber,
  PERMISSIONS,
  permissionsOf,
  ROLES,
  SignInSchema,
  UpdateUserSchema,
} from './auth.js';

describe('maskPhoneNumber', () => {
  it('keeps country and operator code and the last two digits of an international number', () => {
    expect(maskPhoneNumber('+375 29 123-45-90')).toBe('+375 29 ***-**-90');
    expect(maskPhoneNumber('+375291234590')).toBe('+37529*****90');
  });

  it('keeps the first three digits of a national number and its separators', () => {
    expect(maskPhoneNumber('8 017 237-98-98')).toBe('8 01* ***-**-98');
  });

  it('hides all but the last two digits of a short number', () => {
    expect(maskPhoneNumber('0890')).toBe('**90');
    expect(maskPhoneNumber('12')).toBe('12');
  });

  it('never leaves more digits visible than the head and the tail', () => {
    const masked = maskPhoneNumber('+375 (29) 777-08-90');
    expect(masked.replace(/[^0-9]/g, '')).toBe('3752990');
    expect(masked).toBe('+375 (29) ***-**-90');
  });
});

describe('permissions', () => {
  it('lets only controllers listen, whisper and barge', () => {
    for (const role of ROLES) {
      expect(can(role, 'audio:listen')).toBe(role === 'controller');
      expect(can(role, 'audio:barge')).toBe(role === 'controller');
    }
  });

  it('keeps user, key and audit management to admins', () => {
    for (const permission of ['users:manage', 'ingest_keys:manage', 'audit:view'] as const) {
      expect(PERMISSIONS[permission]).toEqual(['admin']);
    }
  });

  it('lists exactly the permissions a role has', () => {
    expect(permissionsOf('agent')).toEqual(['screens:upload']);
    expect(permissionsOf('trainer')).toEqual(['recordings:play', 'evaluations:view', 'coaching:view_own']);
  });
});

describe('auth schemas', () => {
  it('trims the username at sign-in and refuses an empty password', () => {
    expect(SignInSchema.parse({ username: ' alice ', password: 'x' })).toEqual({ username: 'alice', password: 'x' });
    expect(SignInSchema.safeParse({ username: 'alice', password: '' }).success).toBe(false);
  });

  it('asks for a 12-character password and a lowercase username on creation', () => {
    const base = { username: 'alice', displayName: 'Alice', role: 'controller', password: 'correct horse battery' };
    expect(CreateUserSchema.parse(base)).toEqual({ ...base, agentId: null });
    expect(CreateUserSchema.safeParse({ ...base, password: 'short' }).success).toBe(false);
    expect(CreateUserSchema.safeParse({ ...base, username: 'Alice' }).success).toBe(false);
    expect(CreateUserSchema.safeParse({ ...base, role: 'root' }).success).toBe(false);
  });

  it('refuses an empty or unknown change to a user', () => {
    expect(UpdateUserSchema.safeParse({}).success).toBe(false);
    expect(UpdateUserSchema.safeParse({ admin: true }).success).toBe(false);
    expect(UpdateUserSchema.parse({ disabled: true })).toEqual({ disabled: true });
  });
});
