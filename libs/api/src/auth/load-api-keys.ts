// The API keys of a deployment, from a keys file and/or a compact list (both
// hold only SHA-256 hashes of the secrets). Apps call this at start-up with
// their settings; a bad entry stops start-up naming where it is.
import { readFile } from 'node:fs/promises';
import { parseApiKeys, parseApiKeySpecs, type ApiKey } from './api-key.ts';
import { ApiAuthError } from './auth-errors.ts';

export async function loadApiKeys(sources: { readonly file?: string; readonly specs?: string }): Promise<ApiKey[]> {
  const keys: ApiKey[] = [];
  if (sources.file) {
    let text: string;
    try {
      text = await readFile(sources.file, 'utf8');
    } catch (err) {
      throw new ApiAuthError('API_KEYS_FILE_UNREADABLE', `cannot read the API keys file ${sources.file}`, { cause: err });
    }
    keys.push(...parseApiKeys(text, sources.file));
  }
  if (sources.specs) keys.push(...parseApiKeySpecs(sources.specs, 'MCPG_API_KEYS'));
  const ids = new Set<string>();
  for (const k of keys) {
    if (ids.has(k.id)) throw new ApiAuthError('INVALID_API_KEY_CONFIG', `API key id ${k.id} is configured twice`);
    ids.add(k.id);
  }
  return keys;
}
