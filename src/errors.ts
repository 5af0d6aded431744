// Errors whose status, code and message are safe to show to a client; http/errors.ts maps them.

export interface ErrorDetail {
  field: string;
  issue: string;
  location?: 'body' | 'query' | 'params' | 'header';
}

/** An error whose status, code and message are safe to show to the client. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  constructor(details: ErrorDetail[], message = 'The request is invalid.') {
    super(400, 'validation_failed', message, details);
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  constructor(message = 'A valid API key is required (Authorization: Bearer <key>).') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(message = 'Your role does not allow this.') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(code = 'not_found', message = 'Not found.') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(409, code, message, details);
  }
}

export class UnprocessableError extends AppError {
  override name = 'UnprocessableError';
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(422, code, message, details);
  }
}

export class ServiceUnavailableError extends AppError {
  override name = 'ServiceUnavailableError';
  constructor(message = 'A backing service is unavailable; retry shortly.') {
    super(503, 'unavailable', message);
  }
}
