// The view and its filters live in the URL (/console/<view>?org=…&range=…),
// so a copied link reproduces what the user sees. One signal holds the current
// location; views read their parameters from it and change them with setParams.
import { signal } from '@preact/signals';

export const VIEWS = ['overview', 'tools', 'history', 'tokens', 'ledger', 'telemetry'] as const;
export type View = (typeof VIEWS)[number];
const BASE = '/console/';

export interface Location {
  readonly view: View;
  readonly params: URLSearchParams;
  /** The URL named this view (false: the default view for /console/). */
  readonly named: boolean;
}

function read(): Location {
  const name = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '';
  const view = (VIEWS as readonly string[]).includes(name) ? (name as View) : 'overview';
  return { view, params: new URLSearchParams(window.location.search), named: view === name };
}

export const location = signal<Location>(read());
window.addEventListener('popstate', () => (location.value = read()));

function write(view: View, params: URLSearchParams, push: boolean): void {
  const s = params.toString();
  const url = `${BASE}${view}${s ? `?${s}` : ''}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  location.value = { view, params, named: true };
}

/** Goes to a view, keeping the org (and the time zone choice) of the current one. */
export function navigate(view: View, params: Record<string, string> = {}): void {
  const next = new URLSearchParams(params);
  const org = location.value.params.get('org');
  if (org && !next.has('org')) next.set('org', org);
  write(view, next, true);
}

/** Changes some parameters of the current view (null or '' removes one). */
export function setParams(patch: Record<string, string | null | undefined>, push = false): void {
  const next = new URLSearchParams(location.value.params);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  }
  write(location.value.view, next, push);
}

export const param = (name: string, fallback = ''): string => location.value.params.get(name) ?? fallback;
