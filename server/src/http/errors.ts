import type { AckIssue } from '@earshot/shared';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

/** Every API error has the Ack failure shape, naming what is wrong. */
export function sendError(res: Response, status: number, error: string, details?: AckIssue[]): void {
  res.status(status).json(details ? { ok: false, error, details } : { ok: false, error });
}

/** For /api paths no router answered. */
export const apiNotFound: RequestHandler = (req, res) => {
  sendError(res, 404, `no such API route: ${req.method} ${req.originalUrl.split('?')[0]}`);
};

/** For anything else nothing answered (a POST to a page, say). */
export const notFound: RequestHandler = (req, res) => {
  sendError(res, 404, `not found: ${req.method} ${req.originalUrl.split('?')[0]}`);
};

/** Errors raised by express.json (body-parser) carry a `type`; say what was wrong with the body. */
interface BodyParserError {
  type: string;
  status?: number;
  message: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (isBodyParserError(error)) {
      switch (error.type) {
        case 'entity.parse.failed':
          return sendError(res, 400, `request body is not valid JSON: ${error.message}`);
        case 'entity.too.large':
          return sendError(res, 413, `request body is too large: the limit is ${error.limit ?? '?'} bytes`);
        case 'encoding.unsupported':
        case 'charset.unsupported':
          return sendError(res, 415, `request body encoding is not supported: ${error.message}`);
        case 'request.aborted':
        case 'request.size.invalid':
          return sendError(res, 400, `request body was not received whole: ${error.message}`);
      }
    }
    // Errors Express itself marks as the client's (e.g. a path parameter with a broken %-encoding).
    const status = clientErrorStatus(error);
    if (status !== null) return sendError(res, status, `bad request: ${(error as Error).message}`);
    logger.error('http: unhandled error', { method: req.method, path: req.path, error });
    sendError(res, 500, 'internal server error; the details are in the server log');
  };
}

/** The 4xx status an error carries (`status` or `statusCode`, as Express and its parsers set them), or null. */
function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value < 500 ? value : null;
}
