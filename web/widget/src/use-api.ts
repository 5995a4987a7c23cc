// The API client for every component, and how a failed call is told to the person and to the host page.
import { createContext, useCallback, useContext } from 'react';
import { ApiError, SESSION_ENDED, type Api } from './api.ts';
import { emit } from './host.ts';
import { useTexts } from './i18n/texts.ts';

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}

/** Turns a failure into the sentence to show, and tells the host page about it as an `error` event. */
export function useFailure(): (err: unknown) => string {
  const { t } = useTexts();
  return useCallback((err: unknown) => {
    const code = err instanceof ApiError ? err.code : 'unexpected';
    const detail = err instanceof ApiError ? err.detail : String(err);
    // An ended token is told once, by its own screen.
    if (!SESSION_ENDED.has(code)) emit('error', { code, detail });
    if (code === 'network_error') return t('networkError');
    // The service's refusals name the problem in words of their own; only the unexpected gets the generic frame.
    if (err instanceof ApiError && err.status >= 400 && err.status < 500 && detail) return detail;
    return t('genericError', { detail: detail || code });
  }, [t]);
}
