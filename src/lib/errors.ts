/** A problem+json error detail: which field broke which rule. */
export interface FieldError {
  path: string;
  message: string;
  row?: number;
}

/** An error a client can act on; the error handler turns it into problem+json. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'bad-request', 'Bad Request', detail, errors);
export const validationFailed = (errors: FieldError[], detail = 'The request is not valid.') =>
  new AppError(400, 'validation', 'Validation Failed', detail, errors);
export const unauthorized = (detail = 'A valid bearer token is required.') =>
  new AppError(401, 'unauthorized', 'Unauthorized', detail);
export const forbidden = (detail = 'Your role may not do this.') =>
  new AppError(403, 'forbidden', 'Forbidden', detail);
export const notFound = (what: string) =>
  new AppError(404, 'not-found', 'Not Found', `${what} was not found.`);
/** A body over a size limit (JSON_BODY_LIMIT_BYTES, IMPORT_LIMIT_BYTES): refused before it is parsed. */
export const payloadTooLarge = (limitBytes: number) =>
  new AppError(
    413,
    'payload-too-large',
    'Payload Too Large',
    `The body is larger than this service accepts here (at most ${limitBytes} bytes).`,
  );
export const conflict = (detail: string, errors?: FieldError[]) =>
  new AppError(409, 'conflict', 'Conflict', detail, errors);
export const staleVersion = (entity: string, current: number) =>
  new AppError(
    409,
    'stale-version',
    'Conflict',
    `The ${entity} was changed by someone else (now at version ${current}); reload it and try again.`,
    [{ path: 'version', message: `is stale; the current version is ${current}` }],
  );
