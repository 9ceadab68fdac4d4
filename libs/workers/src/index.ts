export { startRollupWorker, rollupWorkerOptions, type RollupWorkerOptions, type RunningWorker } from './rollup-worker.ts';
export { runFleetSim, formatSummary, simOptions, type FleetSimOptions, type SimConfig } from './fleet-sim.ts';
export { openBus, openStore, embeddedDir, kafkaDir, type BusConfig, type StoreConfig } from './connect.ts';
export {
  startLedgerWorker,
  ledgerWorkerOptions,
  foldLedgerBatch,
  storeLedgerWrites,
  foldAndStoreLedger,
  LEDGER_CHUNK_ROWS,
  type LedgerWorkerOptions,
  type LedgerWrites,
  type RunningLedgerWorker,
} from './ledger-worker.ts';
export { decodeLedgerMessage, maskAuditEvent, routableOrg, LedgerDecodeError, LEDGER_DECODE_CODES, ROUTE_HEADERS, type PendingLedgerEvent } from './ledger-event.ts';
export { assertSameLog, LogReplacedError } from './log-continuity.ts';
export { startAuditRouter, routedMessage, ROUTER_NAME, type AuditRouterOptions, type RunningAuditRouter } from './audit-router.ts';
export { loadSigningKeys, demoSigningKey, SigningKeyConfigError, type DemoKey, type SigningKeyConfig } from './ledger-signing-keys.ts';
export { startWorkerHttp, type WorkerHttp, type WorkerHttpOptions, type WorkerProgress } from './worker-http.ts';
export { runWorkerProcess, type WorkerDeps, type WorkerProcessConfig, type WorkerProcessOptions } from './worker-process.ts';
export { runPayloadKeyAction, PAYLOAD_KEY_ACTIONS, type PayloadKeyRequest, type PayloadKeyActionOptions, type PayloadKeyOutcome } from './payload-key-actions.ts';
export { startPayloadSink, toPayloadRow, PayloadDecodeError, PAYLOAD_SINK_NAME, type PayloadSinkOptions, type RunningPayloadSink } from './payload-sink.ts';
