// What an app's main calls: the SDK started with the tracing settings, and
// the config file watched when one is set. The settings come in as values
// (an app's config object fits); nothing here reads the environment. A bad
// setting at start throws a TelemetryError naming it: the app should exit.
import { parseHeaderList, resolveTracingConfig, type TracingConfig } from './exporter-config.ts';
import type { Logger } from './logger.ts';
import { loadTracingConfigFile, watchTracingConfig } from './tracing-config-file.ts';
import { startTracing, type Tracing } from './tracing.ts';
import { TelemetryError } from './telemetry-errors.ts';

export interface TracingSettings {
  readonly otlpPreset: string;
  readonly otlpProtocol: string;
  readonly otlpEndpoint: string;
  readonly otlpRegion: string;
  readonly otlpHeaders: string;
  readonly traceSampleRate: number;
  readonly otelConfigFile: string;
}

export function tracingConfigFromSettings(s: TracingSettings): TracingConfig {
  if (s.otelConfigFile) return loadTracingConfigFile(s.otelConfigFile);
  try {
    return resolveTracingConfig({
      preset: s.otlpPreset,
      ...(s.otlpProtocol ? { protocol: s.otlpProtocol } : {}),
      ...(s.otlpEndpoint ? { endpoint: s.otlpEndpoint } : {}),
      ...(s.otlpRegion ? { region: s.otlpRegion } : {}),
      ...(s.otlpHeaders ? { headers: parseHeaderList(s.otlpHeaders) } : {}),
      sampleRate: s.traceSampleRate,
    });
  } catch (e) {
    if (e instanceof TelemetryError) throw new TelemetryError(e.code, `MCPG_OTLP_* settings: ${e.message}`);
    throw e;
  }
}

export function startAppTracing(serviceName: string, s: TracingSettings, log: Logger): Tracing {
  const tracing = startTracing({ serviceName, config: tracingConfigFromSettings(s) });
  log.info({ tracing: tracing.current() }, 'tracing');
  if (!s.otelConfigFile) return tracing;
  const watch = watchTracingConfig(s.otelConfigFile, tracing, { log });
  return {
    ...tracing,
    async shutdown() {
      watch.close();
      await tracing.shutdown();
    },
  };
}
