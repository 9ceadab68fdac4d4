// Who is signed in: the API key (kept in this tab's sessionStorage only, so a
// reload keeps it and closing the tab forgets it; never put in a URL or logged)
// and what /v1/me says it may do. The org switcher offers exactly me.orgs.
import { computed, signal } from '@preact/signals';
import { ApiFailure, createApi } from './api.ts';
import { location, setParams } from './route.ts';

export interface Me {
  readonly auth: boolean;
  readonly key_id: string | null;
  readonly orgs: readonly string[];
  readonly all_orgs: boolean;
  readonly roles: readonly Role[];
}
export type Role = 'metrics' | 'audit' | 'export' | 'admin' | 'payload';

const STORAGE = 'mcpg.console.key';
const stored = (): string | null => {
  try {
    return sessionStorage.getItem(STORAGE);
  } catch {
    return null;
  }
};

export const apiKey = signal<string | null>(stored());
export const me = signal<Me | null>(null);
export const api = createApi(() => apiKey.value);

export const org = computed(() => {
  const m = me.value;
  if (!m) return '';
  const wanted = location.value.params.get('org');
  return wanted && m.orgs.includes(wanted) ? wanted : (m.orgs[0] ?? '');
});

export const can = (role: Role): boolean => {
  const roles = me.value?.roles ?? [];
  // admin holds every role but payload, which the API grants on its own.
  return roles.includes(role) || (role !== 'payload' && roles.includes('admin'));
};

/** Checks a key with /v1/me; keeps it only if the API accepts it. */
export async function signIn(key: string | null): Promise<void> {
  const probe = createApi(() => key);
  const who = await probe.get<Me>('/v1/me');
  if (who.auth && !key) throw new ApiFailure(401, 'UNAUTHORIZED', 'an API key is required');
  apiKey.value = key;
  try {
    if (key) sessionStorage.setItem(STORAGE, key);
  } catch {
    /* storage off: the key stays in memory only */
  }
  me.value = who;
  if (!location.value.params.get('org') && who.orgs[0]) setParams({ org: who.orgs[0] });
}

export function signOut(): void {
  apiKey.value = null;
  me.value = null;
  try {
    sessionStorage.removeItem(STORAGE);
  } catch {
    /* nothing stored */
  }
}
