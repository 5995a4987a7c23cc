// Data from the API for a component: loaded when its inputs change, kept while it reloads (no flash of emptiness),
// and polled while the data says work is running.
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * `pollMs` answers, for the data just loaded, how long until the next load (null: no polling). A poll waits for the
 * previous load to finish, so a slow service is never asked twice at once.
 */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList, pollMs?: (data: T) => number | null): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const latest = useRef({ load, pollMs });
  latest.current = { load, pollMs };
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const run = useCallback(async () => {
    const mine = ++generation.current;
    clearTimeout(timer.current);
    setLoading(true);
    try {
      const value = await latest.current.load();
      if (mine !== generation.current) return;
      setData(value);
      setError(null);
      const next = latest.current.pollMs?.(value) ?? null;
      if (next !== null) timer.current = setTimeout(() => void run(), next);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void run();
    return () => {
      generation.current++;
      clearTimeout(timer.current);
    };
    // The caller's inputs say when to load again; `load` itself is read from the latest render.
  }, deps);

  return { data, error, loading, reload: run };
}
