import {
  CreateUserSchema,
  PasswordSchema,
  ROLE_LABELS,
  ROLES,
  type Role,
  type UpdateUser,
  type User,
} from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useSession } from '../auth/session.js';
import { fieldErrors, generatePassword } from '../lib/formErrors.js';
import { errorMessage, sendJson } from '../lib/http.js';
import { usersQueryOptions } from './adminQueries.js';
import { Notice, type NoticeState } from './Notice.js';

const FIELD_LABELS = {
  username: 'Username',
  displayName: 'Name',
  role: 'Role',
  agentId: 'Agent id',
  password: 'Password',
};

export function UsersPage() {
  const users = useQuery(usersQueryOptions());
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<NoticeState>(null);

  return (
    <div className="admin-page" data-testid="users-page">
      <title>Users · Admin · Earshot</title>
      <header className="page-header page-header-row">
        <div>
          <h1>Users</h1>
          <p className="page-lead">Who may sign in, and as what. Disabling a user signs them out everywhere at once.</p>
        </div>
        {!creating && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setCreating(true);
              setNotice(null);
            }}
            data-testid="user-new"
          >
            New user
          </button>
        )}
      </header>
      <Notice notice={notice} />
      {creating && (
        <CreateUserForm
          onDone={(created) => {
            setCreating(false);
            if (created) setNotice({ kind: 'ok', text: `Created ${created.username} (${ROLE_LABELS[created.role]}).` });
          }}
        />
      )}
      {users.isPending ? (
        <p className="muted">Loading users…</p>
      ) : users.isError ? (
        <p className="notice notice-error" role="alert">
          Could not load the users: {errorMessage(users.error)}
        </p>
      ) : (
        <UsersTable users={users.data} onNotice={setNotice} />
      )}
    </div>
  );
}

function UsersTable({ users, onNotice }: { users: User[]; onNotice: (notice: NoticeState) => void }) {
  const [resetting, setResetting] = useState<string | null>(null);
  const sorted = [...users].sort(
    (a, b) => Number(a.disabled) - Number(b.disabled) || a.username.localeCompare(b.username),
  );
  return (
    <div className="table-wrap">
      <table className="table" data-testid="users-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Agent id</th>
            <th scope="col">Status</th>
            <th scope="col" className="cell-actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((user) =>
            resetting === user.id ? (
              <ResetPasswordRow
                key={user.id}
                user={user}
                onDone={(text) => {
                  setResetting(null);
                  if (text) onNotice({ kind: 'ok', text });
                }}
              />
            ) : (
              <UserRow key={user.id} user={user} onResetPassword={() => setResetting(user.id)} onNotice={onNotice} />
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function useUpdateUser(onNotice: (notice: NoticeState) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ user, patch }: { user: User; patch: UpdateUser; success: string }) =>
      sendJson<User>('PATCH', `/api/users/${encodeURIComponent(user.id)}`, patch),
    onSuccess: (updated, { success }) => {
      queryClient.setQueryData<User[]>(usersQueryOptions().queryKey, (list) =>
        list?.map((u) => (u.id === updated.id ? updated : u)),
      );
      onNotice({ kind: 'ok', text: success });
    },
    onError: (error, { user }) =>
      onNotice({ kind: 'error', text: `Could not change ${user.username}: ${errorMessage(error)}` }),
  });
}

function UserRow({
  user,
  onResetPassword,
  onNotice,
}: {
  user: User;
  onResetPassword: () => void;
  onNotice: (notice: NoticeState) => void;
}) {
  const me = useSession().user;
  const isMe = me.id === user.id;
  const update = useUpdateUser(onNotice);
  const selfNote = 'You cannot change your own role or disable yourself; another admin can.';

  return (
    <tr data-testid="user-row" data-username={user.username} className={user.disabled ? 'row-disabled' : undefined}>
      <td>
        <span className="cell-strong">{user.displayName}</span>
        {isMe && <span className="tag">you</span>}
      </td>
      <td>
        <code>{user.username}</code>
      </td>
      <td>
        <label className="sr-only" htmlFor={`role-${user.id}`}>
          Role of {user.username}
        </label>
        <select
          id={`role-${user.id}`}
          className="select"
          value={user.role}
          disabled={isMe || update.isPending}
          title={isMe ? selfNote : undefined}
          onChange={(e) => {
            const role = e.target.value as Role;
            update.mutate({
              user,
              patch: { role },
              success: `${user.username} is now ${ROLE_LABELS[role].toLowerCase()}, from their next action on.`,
            });
          }}
          data-testid="user-role-select"
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      </td>
      <td>{user.agentId ? <code>{user.agentId}</code> : <span className="muted">—</span>}</td>
      <td>
        <span className={`status ${user.disabled ? 'status-off' : 'status-on'}`} data-testid="user-status">
          {user.disabled ? 'Disabled' : 'Active'}
        </span>
      </td>
      <td className="cell-actions">
        <button
          type="button"
          className="button button-small"
          onClick={onResetPassword}
          data-testid="user-reset-password"
        >
          Reset password
        </button>
        <button
          type="button"
          className={`button button-small button-toggle${user.disabled ? '' : ' button-danger'}`}
          disabled={isMe || update.isPending}
          title={isMe ? selfNote : undefined}
          onClick={() =>
            update.mutate({
              user,
              patch: { disabled: !user.disabled },
              success: user.disabled
                ? `${user.username} may sign in again.`
                : `${user.username} is disabled and was signed out everywhere.`,
            })
          }
          data-testid={user.disabled ? 'user-enable' : 'user-disable'}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
      </td>
    </tr>
  );
}

function ResetPasswordRow({ user, onDone }: { user: User; onDone: (text: string | null) => void }) {
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const inputId = useId();
  const reset = useMutation({
    mutationFn: (newPassword: string) =>
      sendJson<User>('PATCH', `/api/users/${encodeURIComponent(user.id)}`, { password: newPassword }),
    onSuccess: () => onDone(`New password set for ${user.username}; their other sessions were signed out.`),
    onError: (error) => setProblem(errorMessage(error)),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = PasswordSchema.safeParse(password);
    if (!parsed.success) {
      setProblem(fieldErrors(parsed.error, { '': 'The password' })[''] ?? 'The password is not valid');
      return;
    }
    setProblem(null);
    reset.mutate(parsed.data);
  };

  return (
    <tr className="row-editing" data-testid="user-reset-row" data-username={user.username}>
      <td colSpan={6}>
        <form className="inline-form" onSubmit={onSubmit} noValidate>
          <label htmlFor={inputId}>
            New password for <strong>{user.username}</strong>
          </label>
          <input
            id={inputId}
            className="input"
            type={shown ? 'text' : 'password'}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={problem !== null}
            data-testid="user-reset-input"
            // biome-ignore lint/a11y/noAutofocus: the admin just asked for this field; typing is the next step.
            autoFocus
          />
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setPassword(generatePassword());
              setShown(true);
            }}
          >
            Generate
          </button>
          <button type="submit" className="button button-small button-primary" disabled={reset.isPending}>
            {reset.isPending ? 'Saving…' : 'Set password'}
          </button>
          <button type="button" className="button button-small button-quiet" onClick={() => onDone(null)}>
            Cancel
          </button>
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
        </form>
      </td>
    </tr>
  );
}

function CreateUserForm({ onDone }: { onDone: (created: User | null) => void }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ displayName: '', username: '', role: 'agent' as Role, agentId: '', password: '' });
  const [passwordShown, setPasswordShown] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ids = { displayName: useId(), username: useId(), role: useId(), agentId: useId(), password: useId() };

  const create = useMutation({
    mutationFn: (input: unknown) => sendJson<User>('POST', '/api/users', input),
    onSuccess: (created) => {
      queryClient.setQueryData<User[]>(usersQueryOptions().queryKey, (list) => (list ? [...list, created] : list));
      void queryClient.invalidateQueries({ queryKey: usersQueryOptions().queryKey });
      onDone(created);
    },
  });

  const set = (field: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = CreateUserSchema.safeParse({
      ...form,
      agentId: form.agentId.trim() === '' ? null : form.agentId.trim(),
    });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error, FIELD_LABELS));
      return;
    }
    setErrors({});
    create.mutate(parsed.data);
  };
  const errorFor = (field: string) =>
    errors[field] ? (
      <p className="field-error" id={`${field}-error`}>
        {errors[field]}
      </p>
    ) : null;

  return (
    <section className="panel form-panel" aria-labelledby="new-user-title" data-testid="user-create-form">
      <h2 id="new-user-title" className="panel-title">
        New user
      </h2>
      <form className="form form-grid form-grid-3" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={ids.displayName}>Name</label>
          <input
            id={ids.displayName}
            className="input"
            value={form.displayName}
            onChange={(e) => set('displayName')(e.target.value)}
            placeholder="Anna Kovalenko"
            aria-invalid={'displayName' in errors}
            data-testid="user-create-name"
          />
          {errorFor('displayName')}
        </div>
        <div className="field">
          <label htmlFor={ids.username}>Username</label>
          <input
            id={ids.username}
            className="input"
            value={form.username}
            onChange={(e) => set('username')(e.target.value)}
            placeholder="a.kovalenko"
            autoCapitalize="none"
            spellCheck={false}
            aria-invalid={'username' in errors}
            data-testid="user-create-username"
          />
          {errorFor('username') ?? <p className="field-hint">lowercase letters, digits and . _ -</p>}
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select
            id={ids.role}
            className="select"
            value={form.role}
            onChange={(e) => set('role')(e.target.value)}
            data-testid="user-create-role"
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
          {errorFor('role')}
        </div>
        <div className="field">
          <label htmlFor={ids.agentId}>
            Agent id {form.role !== 'agent' && <span className="muted">(agents only)</span>}
          </label>
          <input
            id={ids.agentId}
            className="input"
            value={form.agentId}
            onChange={(e) => set('agentId')(e.target.value)}
            placeholder={form.role === 'agent' ? 'agent-017' : ''}
            aria-invalid={'agentId' in errors}
            data-testid="user-create-agent-id"
          />
          {errorFor('agentId') ?? (
            <p className="field-hint">the telephony platform's id; ties the account to its calls</p>
          )}
        </div>
        <div className="field field-span-2">
          <label htmlFor={ids.password}>First password</label>
          <div className="input-row">
            <input
              id={ids.password}
              className="input"
              type={passwordShown ? 'text' : 'password'}
              autoComplete="new-password"
              value={form.password}
              onChange={(e) => set('password')(e.target.value)}
              aria-invalid={'password' in errors}
              data-testid="user-create-password"
            />
            <button
              type="button"
              className="button"
              onClick={() => {
                set('password')(generatePassword());
                setPasswordShown(true);
              }}
            >
              Generate
            </button>
          </div>
          {errorFor('password') ?? <p className="field-hint">at least 12 characters; hand it over in person</p>}
        </div>
        {create.isError && (
          <p className="notice notice-error field-wide" role="alert" data-testid="user-create-error">
            Could not create the user: {errorMessage(create.error)}
          </p>
        )}
        <div className="form-actions field-wide">
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending}
            data-testid="user-create-submit"
          >
            {create.isPending ? 'Creating…' : 'Create user'}
          </button>
          <button type="button" className="button button-quiet" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
