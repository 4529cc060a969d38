import type { AckIssue } from '@earshot/shared';

/** A refusal the client caused and can act on; routes answer it with `status`, the message and details. */
export class AuthRequestError extends Error {
  override name = 'AuthRequestError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    message: string,
    readonly details?: AckIssue[],
  ) {
    super(message);
  }
}
