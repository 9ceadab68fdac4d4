export { startRollupWorker, rollupWorkerOptions, type RollupWorkerOptions, type RunningWorker } from './rollup-worker.ts';
export { runFleetSim, formatSummary, simOptions, type FleetSimOptions, type SimConfig } from './fleet-sim.ts';
export { openBus, openStore, embeddedDir, kafkaDir, type BusConfig, type StoreConfig } from './connect.ts';
