// Data for a view, fetched apart from drawing it. The last answer stays on
// screen while the next one loads (no blank flash, no layout jump), a change
// of inputs aborts the request in flight, and live refresh waits for one
// answer before it asks again: never more than one refresh in flight.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** When the data on screen was fetched (epoch ms). */
  readonly at: number | undefined;
  reload(): void;
}

export interface ResourceOptions {
  /** Refetch this long after the previous answer arrived; 0 or absent: no refresh. */
  readonly refreshMs?: number;
  readonly paused?: boolean;
}

/**
 * Shows part of an answer before the rest arrives: given the data on screen
 * (the previous answer on a refresh, nothing at first), returns what to show
 * now. The load is still one refresh: the next one waits for its whole answer.
 */
export type Progress<T> = (update: (shown: T | undefined) => T) => void;

export function useResource<T>(load: (signal: AbortSignal, progress: Progress<T>) => Promise<T>, deps: readonly unknown[], options: ResourceOptions = {}): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; at: number | undefined }>({ data: undefined, error: undefined, loading: true, at: undefined });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const { refreshMs = 0, paused = false } = options;

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      setState((s) => ({ ...s, loading: true }));
      try {
        const progress: Progress<T> = (update) => {
          if (!abort.signal.aborted) setState((s) => ({ ...s, data: update(s.data) }));
        };
        const data = await loadRef.current(abort.signal, progress);
        if (abort.signal.aborted) return;
        setState({ data, error: undefined, loading: false, at: Date.now() });
      } catch (error) {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, error, loading: false }));
      }
      // The next refresh is scheduled only now that this one has answered.
      if (refreshMs > 0 && !paused && !abort.signal.aborted) timer = setTimeout(run, refreshMs);
    };
    void run();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [...deps, nonce, refreshMs, paused]);

  return { ...state, reload: () => setNonce((n) => n + 1) };
}
