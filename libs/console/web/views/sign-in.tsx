// Sign-in with an API key. The key goes to /v1/me in a header; a wrong key,
// an unreachable API or a key without roles is said plainly.
import { useState } from 'preact/hooks';
import { explain } from '../lib/api.ts';
import { signIn } from '../lib/session.ts';

export function SignIn({ resumeError }: { resumeError?: string | undefined }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(resumeError);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(key.trim());
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>mcpg console</h1>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="off" spellcheck={false} value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} required />
        <p class="hint">Kept in this browser tab only, sent to the query API as a bearer token.</p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
