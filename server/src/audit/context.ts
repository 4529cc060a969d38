import type { IncomingHttpHeaders } from 'node:http';
import type { AuthSocketData } from '@earshot/shared';
import type { Request } from 'express';
import type { AuditActor } from './auditLog.js';

/** Who is behind an HTTP request (the signed-in user, if any) and where it came from. */
export function auditActorFromRequest(req: Request): AuditActor {
  return {
    userId: req.user?.id ?? null,
    username: req.user?.username ?? null,
    role: req.user?.role ?? null,
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
  };
}

/** The same for a dashboard socket, from what the auth middleware put on it and its handshake. */
export function auditActorFromSocket(socket: {
  data: AuthSocketData;
  handshake: { address: string; headers: IncomingHttpHeaders };
}): AuditActor {
  const { user } = socket.data;
  const userAgent = socket.handshake.headers['user-agent'];
  return {
    userId: user?.id ?? null,
    username: user?.username ?? null,
    role: user?.role ?? null,
    ip: socket.handshake.address,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
  };
}
