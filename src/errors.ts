// One error type for everything a caller may be told about; the HTTP layer maps it to a response.

export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(httpStatus: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

export const badRequest = (code: string, message: string) => new AppError(400, code, message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
