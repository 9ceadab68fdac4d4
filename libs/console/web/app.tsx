// The console's frame: sign-in gate, navigation (only the views the key's
// roles can use), the org switcher (only the key's orgs), the time-zone toggle,
// and the current view.
import { useEffect, useState } from 'preact/hooks';
import { explain } from './lib/api.ts';
import { location, navigate, setParams, type View } from './lib/route.ts';
import { apiKey, can, me, org, signIn, signOut, type Role } from './lib/session.ts';
import { setZone, zone, zoneLabel } from './lib/format.ts';
import { SignIn } from './views/sign-in.tsx';

import { Overview } from './views/overview.tsx';
import { ToolActivity } from './views/tool-activity.tsx';
import { History } from './views/history.tsx';
import { Tokens } from './views/tokens.tsx';
import { Ledger } from './views/ledger.tsx';
import { Telemetry } from './views/telemetry.tsx';
import { Banner } from './components/status.tsx';

const NAV: ReadonlyArray<{ view: View; label: string; role: Role; Component: () => preact.JSX.Element }> = [
  { view: 'overview', label: 'Overview', role: 'metrics', Component: Overview },
  { view: 'tools', label: 'Tool activity', role: 'metrics', Component: ToolActivity },
  { view: 'history', label: 'Request history', role: 'audit', Component: History },
  { view: 'tokens', label: 'Tokens', role: 'metrics', Component: Tokens },
  { view: 'ledger', label: 'Ledger', role: 'audit', Component: Ledger },
  { view: 'telemetry', label: 'Telemetry export', role: 'admin', Component: Telemetry },
];

export function App() {
  const [resume, setResume] = useState<'pending' | 'done' | unknown>('pending');
  // A key kept in this tab (or auth off): try it before asking for one.
  useEffect(() => {
    signIn(apiKey.value).then(
      () => setResume('done'),
      (e) => setResume(apiKey.value ? e : 'done'),
    );
  }, []);
  if (resume === 'pending') return <p class="boot">Connecting to the query API…</p>;
  if (!me.value) return <SignIn resumeError={resume === 'done' ? undefined : explain(resume)} />;

  const allowed = NAV.filter((n) => can(n.role));
  // A link to a view the key's roles cannot use still opens it, so the user
  // reads the API's refusal rather than landing somewhere else unexplained.
  const current = NAV.find((n) => n.view === location.value.view && location.value.named) ?? allowed[0];
  const m = me.value;
  return (
    <div class="frame">
      <header class="top">
        <span class="brand">mcpg</span>
        <label class="field">
          <span>Org</span>
          <select aria-label="Organisation" value={org.value} onChange={(e) => setParams({ org: (e.target as HTMLSelectElement).value }, true)}>
            {m.orgs.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <div class="segmented" role="group" aria-label="Time zone">
          {(['utc', 'local'] as const).map((z) => (
            <button type="button" key={z} aria-pressed={zone.value === z} onClick={() => setZone(z)}>
              {z === 'utc' ? 'UTC' : `Local (${zoneLabel('local')})`}
            </button>
          ))}
        </div>
        <span class="who" title="Signed in with this API key id">
          {m.auth ? `key ${m.key_id} · ${m.roles.join(', ')}` : 'auth off (no API keys configured)'}
        </span>
        {m.auth && (
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        )}
      </header>
      <nav class="side" aria-label="Views">
        {allowed.map((n) => (
          <a
            key={n.view}
            href={`/console/${n.view}?org=${encodeURIComponent(org.value)}`}
            aria-current={n === current ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(n.view);
            }}
          >
            {n.label}
          </a>
        ))}
      </nav>
      <main class="main">
        {m.orgs.length === 0 ? (
          <Banner kind="info">This key's orgs have no data yet.</Banner>
        ) : current ? (
          <current.Component key={`${current.view}:${org.value}`} />
        ) : (
          <Banner kind="error">This API key has no role that any view can use.</Banner>
        )}
      </main>
    </div>
  );
}
