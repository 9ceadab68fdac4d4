// The captured payloads of a call, behind an explicit reveal: nothing is
// asked of the API until the user presses the button (each view is a
// payload.view row in the org's ledger), and Hide forgets the text. Shown
// only to a key with the payload role.
import { useState } from 'preact/hooks';
import { fetchPayloads, type CapturedPayload } from '../data/payloads.ts';
import { explain } from '../lib/api.ts';
import { int } from '../lib/format.ts';
import { can, org } from '../lib/session.ts';

type State = { kind: 'hidden' } | { kind: 'loading' } | { kind: 'shown'; payloads: readonly CapturedPayload[] } | { kind: 'failed'; message: string };

export function PayloadPanel({ eventId }: { eventId: string }) {
  const [state, setState] = useState<State>({ kind: 'hidden' });
  if (!can('payload')) return null;
  const reveal = async () => {
    setState({ kind: 'loading' });
    try {
      const { payloads } = await fetchPayloads(org.value, eventId, new AbortController().signal);
      setState({ kind: 'shown', payloads });
    } catch (e) {
      setState({ kind: 'failed', message: explain(e) });
    }
  };
  return (
    <div role="group" aria-label="Captured payloads">
      <h3>Captured payloads</h3>
      {state.kind === 'shown' ? (
        <>
          {state.payloads.map((p) => (
            <figure key={p.field} class="payload">
              <figcaption>
                {p.field} (key v{p.key_version}, {int(p.original_bytes)} bytes{p.truncated ? ', cut to the capture size cap' : ''})
              </figcaption>
              <pre class="mono">{p.text}</pre>
            </figure>
          ))}
          <button type="button" onClick={() => setState({ kind: 'hidden' })}>
            Hide payloads
          </button>
        </>
      ) : (
        <>
          <p class="note">
            Arguments and response of this call, if they were captured, stored encrypted with this org's key. Revealing them decrypts them for you and records the view
            in the org's audit ledger.
          </p>
          {state.kind === 'failed' && (
            <p class="pill error" role="alert">
              {state.message}
            </p>
          )}
          <button type="button" disabled={state.kind === 'loading'} onClick={() => void reveal()}>
            {state.kind === 'loading' ? 'Decrypting…' : 'Reveal payloads'}
          </button>
        </>
      )}
    </div>
  );
}
