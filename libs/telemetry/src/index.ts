export * from './logger.ts';
export * from './trace-headers.ts';
export * from './tracing.ts';
export * from './telemetry-errors.ts';
export { EXPORTER_PRESETS, OTLP_PROTOCOLS, PRESETS, type ExporterPreset, type ExporterPresetName, type OtlpProtocol } from './exporter-presets.ts';
export {
  describeTracingConfig,
  parseHeaderList,
  parseTracingConfigText,
  resolveTracingConfig,
  TRACING_OFF,
  type TracingConfig,
  type TracingConfigInput,
  type TracingConfigView,
} from './exporter-config.ts';
export { loadTracingConfigFile, watchTracingConfig, type TracingConfigWatch } from './tracing-config-file.ts';
export { installHttpServerSpans } from './http-server-spans.ts';
export { startAppTracing, tracingConfigFromSettings, type TracingSettings } from './app-tracing.ts';
