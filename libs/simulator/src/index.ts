export { Random } from './random.ts';
export { TOOL_CATALOG, type ToolProfile } from './catalog.ts';
export { Fleet, type FleetOptions } from './fleet.ts';
export { parseFault, applyFaults, type ToolFault } from './faults.ts';
export { TrafficGenerator, type TrafficOptions, type SimulatedCall } from './traffic.ts';
export { Tally, type SeriesTally } from './tally.ts';
export { MALFORMED_KINDS, malformedMessage, type MalformedKind } from './malformed.ts';
export { runTraffic, type RunTrafficOptions, type TrafficSummary, type SimMessage, type SimSend } from './run-traffic.ts';
