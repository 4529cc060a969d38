import type { HealthStatus } from '@earshot/shared';
import { Router } from 'express';
import { sql } from 'kysely';
import { sendError } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/openStore.js';

/** A store that does not answer within this is reported as down. */
const STORE_CHECK_TIMEOUT_MS = 2_000;

/** GET /healthz: 200 with HealthStatus once the server is ready and the store answers; 503 otherwise. */
export function createHealthRouter(deps: {
  store: Store;
  isReady: () => boolean;
  liveCalls: () => number;
  startedAt: number;
  logger: Logger;
}): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!deps.isReady()) return sendError(res, 503, 'starting: not ready to serve yet');
    try {
      await withTimeout(sql`select 1`.execute(deps.store.db), STORE_CHECK_TIMEOUT_MS);
    } catch (error) {
      deps.logger.warn('healthz: the store did not answer', { error });
      return sendError(res, 503, `the ${deps.store.kind} store did not answer: ${(error as Error).message}`);
    }
    const status: HealthStatus = {
      status: 'ok',
      store: deps.store.kind,
      liveCalls: deps.liveCalls(),
      uptimeS: Math.round((Date.now() - deps.startedAt) / 1000),
    };
    res.json(status);
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
