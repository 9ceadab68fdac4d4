export { startRollupWorker, type RollupWorkerOptions, type RunningWorker } from './rollup-worker.ts';
export { runFleetSim, formatSummary, type FleetSimOptions } from './fleet-sim.ts';
export { openBus, openStore, embeddedDir, kafkaDir, type BusConfig, type StoreConfig } from './connect.ts';
