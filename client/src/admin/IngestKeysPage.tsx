import { type CreatedIngestKey, CreateIngestKeySchema, type IngestKeyInfo, type User } from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { canUse } from '../app/features.js';
import { useSession } from '../auth/session.js';
import { fieldErrors } from '../lib/formErrors.js';
import { errorMessage, sendJson } from '../lib/http.js';
import { formatDateTime } from '../lib/time.js';
import { ingestKeysQueryOptions, usersQueryOptions } from './adminQueries.js';
import { Notice, type NoticeState } from './Notice.js';

export function IngestKeysPage() {
  const keys = useQuery(ingestKeysQueryOptions());
  const [notice, setNotice] = useState<NoticeState>(null);
  // The key is in this component's state only: never in the query cache, gone when the page is left.
  const [created, setCreated] = useState<CreatedIngestKey | null>(null);

  return (
    <div className="admin-page" data-testid="ingest-keys-page">
      <title>Ingest keys · Admin · Earshot</title>
      <header className="page-header">
        <h1>Ingest keys</h1>
        <p className="page-lead">
          Telephony adapters and the simulator send call events with one of these keys in the{' '}
          <code>x-earshot-ingest-key</code> header. Give each adapter or site its own key, so one can be revoked alone.
        </p>
      </header>
      <Notice notice={notice} />
      {created ? (
        <NewKeySecret
          created={created}
          onDismiss={() => {
            setNotice({ kind: 'ok', text: `Key "${created.key.name}" (${created.key.prefix}…) is ready to use.` });
            setCreated(null);
          }}
        />
      ) : (
        <CreateKeyForm
          onCreated={(result) => {
            setNotice(null);
            setCreated(result);
          }}
        />
      )}
      {keys.isPending ? (
        <p className="muted">Loading keys…</p>
      ) : keys.isError ? (
        <p className="notice notice-error" role="alert">
          Could not load the ingest keys: {errorMessage(keys.error)}
        </p>
      ) : (
        <KeysTable keys={keys.data} onNotice={setNotice} />
      )}
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (created: CreatedIngestKey) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const nameId = useId();
  const create = useMutation({
    mutationFn: (input: { name: string }) => sendJson<CreatedIngestKey>('POST', '/api/ingest-keys', input),
    onSuccess: (result) => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: ingestKeysQueryOptions().queryKey });
      onCreated(result);
    },
    onError: (error) => setProblem(`Could not create the key: ${errorMessage(error)}`),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = CreateIngestKeySchema.safeParse({ name });
    if (!parsed.success) {
      setProblem(fieldErrors(parsed.error, { name: 'A name' }).name ?? 'Give the key a name');
      return;
    }
    setProblem(null);
    create.mutate(parsed.data);
  };
  return (
    <section className="panel form-panel" aria-labelledby="new-key-title">
      <h2 id="new-key-title" className="panel-title">
        New key
      </h2>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          className="input input-wide"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Asterisk adapter, Minsk site"
          aria-invalid={problem !== null}
          data-testid="ingest-key-name"
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={create.isPending}
          data-testid="ingest-key-create"
        >
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
      </form>
    </section>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

/** The whole key, shown this once: the server keeps only its hash. */
function NewKeySecret({ created, onDismiss }: { created: CreatedIngestKey; onDismiss: () => void }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };
  return (
    <section className="panel secret-panel" aria-labelledby="secret-title" data-testid="ingest-key-secret-panel">
      <h2 id="secret-title" className="secret-title">
        Copy the key for "{created.key.name}" now
      </h2>
      <p>
        This is the only time it is shown. Earshot keeps only a fingerprint of it; if it is lost, create a new key and
        revoke this one.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="ingest-key-secret">
          {created.secret}
        </code>
        <button
          type="button"
          className="button button-primary"
          onClick={() => void onCopy()}
          data-testid="ingest-key-copy"
        >
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copy === 'failed' && (
        <p className="field-error" role="alert">
          The browser did not allow copying: select the key above and copy it by hand.
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onDismiss} data-testid="ingest-key-done">
          I have copied it
        </button>
      </div>
    </section>
  );
}

function KeysTable({ keys, onNotice }: { keys: IngestKeyInfo[]; onNotice: (notice: NoticeState) => void }) {
  const { user } = useSession();
  // Who created a key is stored as a user id; show the name when this admin may list users.
  const users = useQuery({ ...usersQueryOptions(), enabled: canUse(user.role, 'adminUsers') });
  const [confirming, setConfirming] = useState<string | null>(null);
  const now = Date.now();
  const sorted = [...keys].sort(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt,
  );
  if (sorted.length === 0) {
    return (
      <p className="empty-note" data-testid="ingest-keys-empty">
        No ingest keys yet. Keys given to the server at start (INGEST_KEYS) are not listed here.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table" data-testid="ingest-keys-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            <th scope="col" className="cell-actions">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((key) => (
            <KeyRow
              key={key.id}
              ingestKey={key}
              now={now}
              creator={creatorName(users.data, key.createdBy)}
              confirming={confirming === key.id}
              onConfirm={(on) => setConfirming(on ? key.id : null)}
              onNotice={onNotice}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function creatorName(users: User[] | undefined, id: string | null): string | null {
  if (id === null) return null;
  return users?.find((u) => u.id === id)?.username ?? null;
}

function KeyRow({
  ingestKey,
  now,
  creator,
  confirming,
  onConfirm,
  onNotice,
}: {
  ingestKey: IngestKeyInfo;
  now: number;
  creator: string | null;
  confirming: boolean;
  onConfirm: (on: boolean) => void;
  onNotice: (notice: NoticeState) => void;
}) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => sendJson<IngestKeyInfo>('DELETE', `/api/ingest-keys/${encodeURIComponent(ingestKey.id)}`),
    onSuccess: (revoked) => {
      queryClient.setQueryData<IngestKeyInfo[]>(ingestKeysQueryOptions().queryKey, (list) =>
        list?.map((k) => (k.id === revoked.id ? revoked : k)),
      );
      onConfirm(false);
      onNotice({ kind: 'ok', text: `Revoked "${revoked.name}". Adapters using it are refused from now on.` });
    },
    onError: (error) =>
      onNotice({ kind: 'error', text: `Could not revoke "${ingestKey.name}": ${errorMessage(error)}` }),
  });
  const revoked = ingestKey.revokedAt !== null;

  return (
    <tr data-testid="ingest-key-row" data-key-name={ingestKey.name} className={revoked ? 'row-disabled' : undefined}>
      <td className="cell-strong">{ingestKey.name}</td>
      <td>
        <code>{ingestKey.prefix}…</code>
      </td>
      <td>
        {formatDateTime(ingestKey.createdAt, now)}
        {creator && <span className="cell-sub">by {creator}</span>}
      </td>
      <td>
        {ingestKey.lastUsedAt === null ? (
          <span className="muted">never</span>
        ) : (
          formatDateTime(ingestKey.lastUsedAt, now)
        )}
      </td>
      <td>
        {revoked ? (
          <span className="status status-off" data-testid="ingest-key-status">
            Revoked {formatDateTime(ingestKey.revokedAt ?? 0, now)}
          </span>
        ) : (
          <span className="status status-on" data-testid="ingest-key-status">
            Active
          </span>
        )}
      </td>
      <td className="cell-actions">
        {!revoked &&
          (confirming ? (
            <fieldset className="confirm" aria-label={`Confirm revoking ${ingestKey.name}`}>
              <span className="confirm-text">Revoke? Adapters using it stop at once.</span>
              <button
                type="button"
                className="button button-small button-danger"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate()}
                data-testid="ingest-key-revoke-confirm"
              >
                {revoke.isPending ? 'Revoking…' : 'Revoke'}
              </button>
              <button type="button" className="button button-small button-quiet" onClick={() => onConfirm(false)}>
                Cancel
              </button>
            </fieldset>
          ) : (
            <button
              type="button"
              className="button button-small"
              onClick={() => onConfirm(true)}
              data-testid="ingest-key-revoke"
            >
              Revoke…
            </button>
          ))}
      </td>
    </tr>
  );
}
