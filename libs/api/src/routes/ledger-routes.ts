// The audit ledger's routes, registered together (app.ts adds this one line).
import type { FastifyInstance } from 'fastify';
import type { Keyring } from '@mcpg/ledger';
import type { Store } from '@mcpg/store';
import { ledgerCheckpointRoutes } from './ledger-checkpoints.ts';
import { ledgerExportRoutes } from './ledger-export.ts';
import { ledgerKeyRoutes } from './ledger-keys.ts';
import { ledgerProofRoutes } from './ledger-proofs.ts';
import { ledgerVerifyRoutes } from './ledger-verify.ts';

export function ledgerRoutes(app: FastifyInstance, store: Store, keyring: Keyring | undefined): void {
  ledgerCheckpointRoutes(app, store);
  ledgerProofRoutes(app, store);
  ledgerKeyRoutes(app, keyring);
  ledgerVerifyRoutes(app, store, keyring);
  ledgerExportRoutes(app, store);
}
