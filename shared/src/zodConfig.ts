import { z } from 'zod';

/**
 * In a browser, zod parses without its JIT. The JIT compiles parsers with `new Function`, and zod probes
 * for it by calling `Function('')`: under the dashboard's Content-Security-Policy (no 'unsafe-eval') the
 * probe is refused and Chromium reports a CSP violation. Parsing is the same either way; on the server
 * (no `document`) the faster JIT stays on. Imported for its effect by index.ts, before any schema is used.
 */
if (typeof document !== 'undefined') z.config({ jitless: true });
