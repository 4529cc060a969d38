import { z } from 'zod';
import { ExternalIdSchema } from './calls.js';

/** The five roles of the product brief. */
export const ROLES = ['admin', 'controller', 'supervisor', 'trainer', 'agent'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  controller: 'Quality controller',
  supervisor: 'Shift supervisor',
  trainer: 'Trainer',
  agent: 'Agent',
};

/**
 * Every action the product guards. The server checks these on every route and socket event; the client
 * uses the same table only to hide what a role may not do. Object-level rules (an agent's own calls, a
 * trainer's assigned recordings) are checked on top of these by the server.
 */
export const PERMISSIONS = {
  'wallboard:view': ['controller', 'supervisor', 'admin'],
  'calls:view': ['controller', 'supervisor', 'admin'],
  /** Unmasked caller numbers; everyone else sees `+375 29 ***-**-90`. */
  'calls:view_caller_number': ['controller', 'admin'],
  'screens:view': ['controller', 'supervisor'],
  'screens:upload': ['agent'],
  'audio:listen': ['controller'],
  'audio:whisper': ['controller'],
  'audio:barge': ['controller'],
  'recordings:play': ['controller', 'trainer'],
  'recordings:download': ['controller'],
  'evaluations:view': ['controller', 'supervisor', 'trainer', 'admin'],
  'evaluations:write': ['controller'],
  'coaching:view_own': ['trainer'],
  'analytics:view': ['controller', 'supervisor', 'admin'],
  'users:manage': ['admin'],
  'settings:manage': ['admin'],
  'ingest_keys:manage': ['admin'],
  'audit:view': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSION_NAMES.filter((p) => can(role, p));
}

export const UsernameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, 'username may hold lowercase letters, digits and . _ - only');

/** At least 12 characters: a passphrase beats complexity rules (NIST SP 800-63B). */
export const PasswordSchema = z.string().min(12, 'password must be at least 12 characters').max(256);

export const SignInSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type SignIn = z.infer<typeof SignInSchema>;

export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  /** For agents: the agent id the telephony platform uses, which ties them to their calls. */
  agentId: z.string().nullable(),
  disabled: z.boolean(),
});
export type User = z.infer<typeof UserSchema>;

/** What `GET /api/auth/me` answers: the user and what they may do. */
export interface SessionInfo {
  user: User;
  permissions: Permission[];
  /** Echo this in the `x-csrf-token` header of every cookie-authenticated write. */
  csrfToken: string;
  expiresAt: number;
}

/**
 * Masks a caller number for roles that do not need it: keeps the country and operator code and the last two
 * digits, e.g. `+375 29 123-45-90` → `+375 29 ***-**-90`. Separators are kept so the shape stays familiar.
 */
export function maskPhoneNumber(number: string): string {
  const digitPositions: number[] = [];
  for (let i = 0; i < number.length; i++) if (/[0-9]/.test(number[i] ?? '')) digitPositions.push(i);
  const keepHead = number.trim().startsWith('+') ? 5 : Math.min(3, Math.max(0, digitPositions.length - 4));
  const keepTail = 2;
  const masked = new Set(digitPositions.slice(keepHead, Math.max(keepHead, digitPositions.length - keepTail)));
  return [...number].map((ch, i) => (masked.has(i) ? '*' : ch)).join('');
}

/** Display names are free text for people; bounded so a list stays readable. */
export const DisplayNameSchema = z.string().trim().min(1).max(80);

/** `POST /api/users` (admin): a new account with its first password. */
export const CreateUserSchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    role: RoleSchema,
    /** The telephony platform's agent id; ties an agent account to its calls. */
    agentId: ExternalIdSchema.nullable().default(null),
    password: PasswordSchema,
  })
  .strict();
export type CreateUser = z.infer<typeof CreateUserSchema>;

/**
 * `PATCH /api/users/:id` (admin): any of these. Disabling signs the user out everywhere; a new password ends
 * every other session of theirs.
 */
export const UpdateUserSchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    role: RoleSchema.optional(),
    agentId: ExternalIdSchema.nullable().optional(),
    disabled: z.boolean().optional(),
    password: PasswordSchema.optional(),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'name at least one of displayName, role, agentId, disabled, password',
  });
export type UpdateUser = z.infer<typeof UpdateUserSchema>;

/** `POST /api/ingest-keys` (admin): a label saying which adapter or site uses the key. */
export const CreateIngestKeySchema = z.object({ name: z.string().trim().min(1).max(80) }).strict();
export type CreateIngestKey = z.infer<typeof CreateIngestKeySchema>;

/** An ingest key as listed; the secret itself is never stored, only its hash and a prefix to recognise it by. */
export interface IngestKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key, e.g. `esk_3fQ9aB`, so an admin can tell keys apart. */
  prefix: string;
  createdAt: number;
  createdBy: string | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Answer to `POST /api/ingest-keys`: the only time the whole key is shown. */
export interface CreatedIngestKey {
  key: IngestKeyInfo;
  secret: string;
}

/**
 * What the server keeps on a dashboard socket after the handshake was authenticated. The server's
 * `SocketData` extends this; `user` is absent only before the auth middleware ran.
 */
export interface AuthSocketData {
  user?: User;
  sessionId?: string;
  /** The session's absolute end; the socket is refused any further command after it. */
  sessionAbsoluteExpiresAt?: number;
}
