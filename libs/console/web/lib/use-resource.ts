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

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], options: ResourceOptions = {}): Resource<T> {
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
        const data = await loadRef.current(abort.signal);
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
