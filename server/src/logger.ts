/** The little the server needs from a logger; tests hand in one that keeps lines in memory. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function format(level: string, message: string, fields?: Record<string, unknown>): string {
  const time = new Date().toISOString();
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields, errorReplacer)}` : '';
  return `${time} ${level} ${message}${extra}`;
}

/** Errors stringify to `{}` by default; keep their message. */
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}

export function createConsoleLogger(): Logger {
  return {
    info: (message, fields) => console.log(format('info', message, fields)),
    warn: (message, fields) => console.warn(format('warn', message, fields)),
    error: (message, fields) => console.error(format('error', message, fields)),
  };
}

/** Keeps lines in memory (tests read them to check a failure was reported); prints nothing. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(format(level, message, fields));
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}
