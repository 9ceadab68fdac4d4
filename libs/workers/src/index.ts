export { startRollupWorker, type RollupWorkerOptions, type RunningWorker } from './rollup-worker.ts';
export { LagTracker } from './lag-tracker.ts';
