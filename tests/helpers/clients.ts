import type {
  Ack,
  Call,
  ClientToServerEvents,
  IngestClientToServerEvents,
  IngestEvent,
  IngestServerToClientEvents,
  ServerToClientEvents,
  WallboardDelta,
  WallboardSnapshot,
} from '@earshot/shared';
import { INGEST_NAMESPACE } from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';

export type DashboardClient = Socket<ServerToClientEvents, ClientToServerEvents>;
export type IngestClient = Socket<IngestServerToClientEvents, IngestClientToServerEvents>;

const CONNECT_TIMEOUT_MS = 5_000;

function waitForConnect(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not connect in time')), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A dashboard connection to "/" (WebSocket only, no reconnection: tests reconnect on purpose). */
export async function connectDashboard(url: string): Promise<DashboardClient> {
  const socket: DashboardClient = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  await waitForConnect(socket);
  return socket;
}

/** An ingest connection to INGEST_NAMESPACE with `key`; rejects with the server's reason when refused. */
export async function connectIngest(url: string, key: string): Promise<IngestClient> {
  const socket: IngestClient = io(`${url}${INGEST_NAMESPACE}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { key },
  });
  await waitForConnect(socket);
  return socket;
}

export async function joinWallboard(client: DashboardClient): Promise<WallboardSnapshot> {
  const result: Ack<WallboardSnapshot> = await client.timeout(5_000).emitWithAck('wallboard:join');
  if (!result.ok) throw new Error(`wallboard:join refused: ${result.error}`);
  return result.data;
}

/** Posts events to the HTTP ingest endpoint; returns status and parsed body. */
export async function postEvents(
  url: string,
  key: string | undefined,
  body: IngestEvent | IngestEvent[] | unknown,
  init: { rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/ingest/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'x-earshot-ingest-key': key }),
      ...init.headers,
    },
    body: init.rawBody ?? JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * A wallboard as a browser keeps it: starts from a snapshot, applies each delta only when its seq is the
 * next one, and records every delta it saw. `gaps` counts deltas that did not follow on.
 */
export class WallboardMirror {
  readonly calls = new Map<string, Call>();
  readonly deltas: WallboardDelta[] = [];
  seq = -1;
  gaps = 0;
  stats: WallboardSnapshot['stats'] | undefined;
  private waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  constructor(readonly client: DashboardClient) {
    client.on('wallboard:delta', (delta) => {
      this.deltas.push(delta);
      if (this.seq < 0) return; // not joined yet
      if (delta.seq !== this.seq + 1) {
        this.gaps += 1;
        return;
      }
      this.seq = delta.seq;
      for (const call of delta.upserts) this.calls.set(call.id, call);
      for (const id of delta.removed) this.calls.delete(id);
      this.stats = delta.stats;
      this.notify();
    });
  }

  async join(): Promise<WallboardSnapshot> {
    const snapshot = await joinWallboard(this.client);
    this.calls.clear();
    for (const call of snapshot.calls) this.calls.set(call.id, call);
    this.seq = snapshot.seq;
    this.stats = snapshot.stats;
    this.notify();
    return snapshot;
  }

  sortedCalls(): Call[] {
    return [...this.calls.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Resolves once `predicate` holds (checked after each applied delta), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 3_000, what = 'the wallboard state'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.predicate());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

export const sortById = (calls: Call[]): Call[] => [...calls].sort((a, b) => a.id.localeCompare(b.id));
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
