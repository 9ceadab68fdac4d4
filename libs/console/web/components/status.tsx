// Banners for errors, empty results and notes. An unreachable API shows a
// retry button instead of a blank page.
import type { ComponentChildren } from 'preact';
import { ApiFailure, explain } from '../lib/api.ts';

export function Banner({ kind, children }: { kind: 'error' | 'info' | 'warn'; children: ComponentChildren }) {
  return (
    <div class={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function ErrorBanner({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  const unreachable = error instanceof ApiFailure && error.unreachable;
  return (
    <Banner kind="error">
      <span>{unreachable ? 'The query API is unreachable. ' : ''}{explain(error)}</span>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </Banner>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}
