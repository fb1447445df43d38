/**
 * Domain errors thrown by model functions when a rule says no. Routes turn them into HTTP answers
 * with orHttpError() (app/lib/http.server.ts). Shared with the UI, so not .server.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class NotFoundError extends DomainError {
  constructor(what = 'page') {
    super(`This ${what} does not exist, or it was removed.`, 404)
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do that.') {
    super(message, 403)
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message, 409)
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, 429)
  }
}
