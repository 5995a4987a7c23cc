// An answer of the API that is not a success, as the widget and the console both see it: its status and `{ code, detail }`.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly detail: string) {
    super(detail || code);
  }
}

/** The error of a failed answer, from its status and the body it carried (JSON `{ code, detail }`, or anything else). */
export function apiError(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { code?: unknown; detail?: unknown };
  return new ApiError(status, typeof b.code === 'string' ? b.code : `http_${status}`, typeof b.detail === 'string' ? b.detail : '');
}
