import { Agent, type ClientRequestArgs } from 'node:http';
import { createConnection, type NetConnectOpts, type Socket as NetSocket } from 'node:net';
import {
  type Ack,
  type ClientToServerEvents,
  INGEST_NAMESPACE,
  type IngestBatchItem,
  type IngestClientToServerEvents,
  type IngestEvent,
  type IngestServerToClientEvents,
  type ServerToClientEvents,
  type WallboardDelta,
  type WallboardSnapshot,
} from '@earshot/shared';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { DashboardTracker, type EventLedger, type Phase, Samples, type SystemStats } from './ledger.js';

/**
 * An http.Agent that remembers the TCP sockets it opened, so a client's received bytes can be read off the
 * socket itself (`bytesRead`): every WebSocket frame with its header, as it crossed the loopback.
 */
class CountingAgent extends Agent {
  private readonly opened: NetSocket[] = [];

  override createConnection(options: ClientRequestArgs): NetSocket {
    const socket = createConnection(options as NetConnectOpts);
    this.opened.push(socket);
    return socket;
  }

  bytesRead(): number {
    return this.opened.reduce((sum, socket) => sum + socket.bytesRead, 0);
  }
}

export interface ByteCounts {
  /** TCP payload bytes read by the client: WebSocket frames including their headers (and the upgrade). */
  wire: number;
  /** Sum of the WebSocket message payloads (for Socket.IO: the engine.io packet text), UTF-8 bytes. */
  messages: number;
}

export interface Dashboard {
  readonly tracker: DashboardTracker;
  bytes(): ByteCounts;
  disconnects(): number;
  close(): void;
}

export const CONNECT_TIMEOUT_MS = 15_000;

/** Rejects with `what` named when the promise takes longer than CONNECT_TIMEOUT_MS. */
export function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} timed out after ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Signs in through `POST /api/auth/sign-in` and returns the session cookie (`earshot_session=...`) for the
 * dashboards' `Cookie` header. The bench signs in once and shares the cookie, as 100 wall displays of one
 * supervisor account would.
 */
export async function signInDashboards(url: string, credentials: { username: string; password: string }) {
  const response = await withTimeout(
    fetch(`${url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    }),
    'sign-in',
  );
  if (response.status !== 200) {
    throw new Error(`dashboard sign-in as ${credentials.username} failed: ${response.status} ${await response.text()}`);
  }
  const cookie = response.headers
    .getSetCookie()
    .find((header) => header.startsWith('earshot_session='))
    ?.split(';')[0];
  if (!cookie) throw new Error('dashboard sign-in answered 200 without a session cookie');
  return cookie;
}

/**
 * A wallboard viewer of the real server: Socket.IO over a real WebSocket with the session cookie,
 * `wallboard:join`, then deltas.
 */
export async function connectServerDashboard(
  url: string,
  sessionCookie: string,
  ledger: EventLedger,
  stats: SystemStats,
): Promise<Dashboard> {
  const agent = new CountingAgent();
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: sessionCookie },
    // engine.io-client types `agent` for browsers (string | boolean); in Node it is handed to `ws` as an http.Agent.
    agent: agent as unknown as string,
  });
  const tracker = new DashboardTracker(ledger, stats);
  let messageBytes = 0;
  let disconnects = 0;
  socket.io.on('open', () => {
    socket.io.engine.on('packet', (packet) => {
      // A text frame is the packet type digit followed by the data.
      messageBytes += 1 + (typeof packet.data === 'string' ? Buffer.byteLength(packet.data) : 0);
    });
  });
  socket.on('disconnect', () => disconnects++);

  // Deltas that arrive before the join's snapshot are held until it is applied.
  let early: { delta: WallboardDelta; perf: number; wall: number }[] | null = [];
  socket.on('wallboard:delta', (delta) => {
    const perf = performance.now();
    const wall = Date.now();
    if (early) early.push({ delta, perf, wall });
    else tracker.applyDelta(delta, perf, wall);
  });

  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(new Error(`dashboard could not connect: ${error.message}`)));
    }),
    'dashboard connect',
  );
  const joined = await withTimeout(
    new Promise<Ack<WallboardSnapshot>>((resolve) => socket.emit('wallboard:join', resolve)),
    'wallboard:join',
  );
  if (!joined.ok) throw new Error(`wallboard:join refused: ${joined.error}`);
  tracker.applySnapshot(joined.data.seq, joined.data.calls);
  for (const held of early ?? []) tracker.applyDelta(held.delta, held.perf, held.wall);
  early = null;

  return {
    tracker,
    bytes: () => ({ wire: agent.bytesRead(), messages: messageBytes }),
    disconnects: () => disconnects,
    close: () => {
      socket.close();
      agent.destroy();
    },
  };
}

/** A wallboard viewer of the floor: a plain `ws` client; first message the snapshot, then deltas. */
export async function connectFloorDashboard(port: number, ledger: EventLedger, stats: SystemStats): Promise<Dashboard> {
  const agent = new CountingAgent();
  const socket = new WebSocket(`ws://127.0.0.1:${port}/wallboard`, { agent, perMessageDeflate: false });
  const tracker = new DashboardTracker(ledger, stats);
  let messageBytes = 0;
  let disconnects = 0;
  const snapshotApplied = new Promise<void>((resolve, reject) => {
    socket.once('error', (error) => reject(new Error(`floor dashboard could not connect: ${error.message}`)));
    socket.on('message', (data: Buffer) => {
      const perf = performance.now();
      const wall = Date.now();
      messageBytes += data.length;
      const message = JSON.parse(data.toString('utf8')) as WallboardSnapshot | WallboardDelta;
      if ('calls' in message) {
        tracker.applySnapshot(message.seq, message.calls);
        resolve();
      } else {
        tracker.applyDelta(message, perf, wall);
      }
    });
  });
  socket.on('close', () => disconnects++);
  await withTimeout(snapshotApplied, 'floor dashboard connect');
  return {
    tracker,
    bytes: () => ({ wire: agent.bytesRead(), messages: messageBytes }),
    disconnects: () => disconnects,
    close: () => {
      socket.terminate();
      agent.destroy();
    },
  };
}

export interface IngestFeed {
  /** Sends one batch to its server; returns at once (acks are counted as they come). */
  send(batch: IngestEvent[], phase: Phase): void;
  /** Acks still outstanding. */
  pending(): number;
  /** Batch sent → its ack received, by the phase it was sent in. */
  readonly ackRoundTrip: Record<Phase, Samples>;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first few rejection messages, to show what went wrong. */
  readonly rejections: string[];
  close(): void;
}

/** The telephony side of the real server: Socket.IO on the ingest namespace, `ingest:batch` with acks. */
export async function connectServerIngest(url: string, ingestKey: string): Promise<IngestFeed> {
  const socket: Socket<IngestServerToClientEvents, IngestClientToServerEvents> = io(`${url}${INGEST_NAMESPACE}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { key: ingestKey },
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(new Error(`ingest client could not connect: ${error.message}`)));
    }),
    'ingest connect',
  );
  let outstanding = 0;
  const feed: IngestFeed = {
    ackRoundTrip: { ramp: new Samples(), steady: new Samples(), drain: new Samples() },
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    rejections: [],
    pending: () => outstanding,
    send: (batch, phase) => {
      const sentAt = performance.now();
      outstanding++;
      socket.emit('ingest:batch', batch, (result: Ack<IngestBatchItem[]>) => {
        outstanding--;
        feed.ackRoundTrip[phase].push(performance.now() - sentAt);
        if (!result.ok) {
          feed.rejected += batch.length;
          if (feed.rejections.length < 5) feed.rejections.push(`batch refused: ${result.error}`);
          return;
        }
        for (const item of result.data) {
          if (item.ok) {
            feed.accepted++;
            if (item.duplicate) feed.duplicates++;
          } else {
            feed.rejected++;
            if (feed.rejections.length < 5) feed.rejections.push(`event ${item.eventId ?? item.index}: ${item.error}`);
          }
        }
      });
    },
    close: () => socket.close(),
  };
  return feed;
}

/** The same stream for the floor: one JSON array per batch over a plain WebSocket, no acks. */
export async function connectFloorIngest(port: number): Promise<Pick<IngestFeed, 'send' | 'close'>> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ingest`, { perMessageDeflate: false });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', (error) => reject(new Error(`floor ingest could not connect: ${error.message}`)));
    }),
    'floor ingest connect',
  );
  return {
    send: (batch) => socket.send(JSON.stringify(batch)),
    close: () => socket.terminate(),
  };
}
