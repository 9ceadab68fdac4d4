// Reads the gateway's configuration file (YAML, or JSON — which YAML also
// parses, but a .json file is read strictly) and validates it.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { GatewayError } from '../errors.ts';
import type { GatewayConfig } from './gateway-config.ts';
import { validateConfig } from './validate-config.ts';

export function parseConfigText(text: string, fileName: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new GatewayError('INVALID_CONFIG', `${fileName} is not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${String(cause)}`, { cause });
  }
  return validateConfig(raw);
}

export async function loadConfigFile(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new GatewayError('INVALID_CONFIG', `cannot read the gateway configuration ${path}: ${String(cause)}`, { cause });
  }
  return parseConfigText(text, path);
}
