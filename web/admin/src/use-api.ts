// The API client and the signed-in session, for every component; and how a failure reads to a person.
import { createContext, useContext } from 'react';
import { ApiError, type Api, type ConsoleSession } from './api.ts';

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiContext');
  return api;
}

export interface SignedIn { session: ConsoleSession; signOut: () => void }

export const SessionContext = createContext<SignedIn | null>(null);

export function useSession(): SignedIn {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionContext');
  return session;
}

/** The service's own words for a refusal (they name the problem); a generic sentence only for the unexpected. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.detail) return err.detail;
    return err.status ? `the service answered ${err.status} (${err.code})` : err.code;
  }
  return `something went wrong: ${String(err)}`;
}
