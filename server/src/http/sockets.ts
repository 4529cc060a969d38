import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '@earshot/shared';
import type { Server, Socket } from 'socket.io';

export type DashboardServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type DashboardSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * Socket.IO hands a handler whatever the client sent: the payload may be missing or garbage, and the ack
 * callback may be missing or sit in the payload's place. This splits the arguments without trusting them.
 */
export function splitSocketArgs<R>(args: unknown[]): { payload: unknown; ack: (result: R) => void } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as (result: R) => void) : noAck;
  const payload = typeof args[0] === 'function' ? undefined : args[0];
  return { payload, ack };
}

/** A client that asked for no reply gets none. */
function noAck(): void {}
