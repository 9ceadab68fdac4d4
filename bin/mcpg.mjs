#!/usr/bin/env node
// Entry point for the `mcpg` CLI: runs the TypeScript sources through tsx so a
// fresh clone works after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register({ tsconfig: new URL('../tsconfig.json', import.meta.url).pathname });
await import('../apps/mcpg/src/main.ts');
