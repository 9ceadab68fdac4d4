// Telemetry export: where this API process sends its traces (secrets masked),
// the eight backend presets, and a switch applied at run time through the
// admin API. The API's answer — the new exporter, or why it refused — is shown.
import { useState } from 'preact/hooks';
import { applyTracing, fetchTracing, parseHeaderLines, type Preset, type TracingView } from '../data/tracing.ts';
import { explain } from '../lib/api.ts';
import { useResource } from '../lib/use-resource.ts';
import { Banner, ErrorBanner } from '../components/status.tsx';

export function Telemetry() {
  const res = useResource(fetchTracing, []);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <section aria-labelledby="tel-title">
      <h1 id="tel-title">Telemetry export</h1>
      <ErrorBanner error={res.error} retry={res.reload} />
      {res.data && <Current view={res.data.current} />}
      {res.data && (
        <SwitchForm
          presets={res.data.presets}
          current={res.data.current}
          onResult={(r) => {
            setResult(r);
            if (r.ok) res.reload();
          }}
        />
      )}
      {result && <Banner kind={result.ok ? 'info' : 'error'}>{result.text}</Banner>}
    </section>
  );
}

function Current({ view }: { view: TracingView }) {
  const headers = Object.keys(view.headers);
  return (
    <dl class="facts" aria-label="Current trace export">
      <dt>Exporting</dt>
      <dd>{view.exporting ? 'yes' : 'no (spans are not exported)'}</dd>
      <dt>Preset</dt>
      <dd>{view.preset}</dd>
      <dt>Protocol</dt>
      <dd>{view.protocol}</dd>
      <dt>Endpoint</dt>
      <dd>{view.endpoint ?? '–'}</dd>
      <dt>Headers</dt>
      <dd>{headers.length ? headers.map((h) => `${h}: ***`).join(', ') : 'none'}</dd>
      <dt>Sample rate</dt>
      <dd>{(view.sampleRate * 100).toFixed(1)} % of traces</dd>
    </dl>
  );
}

function SwitchForm({ presets, current, onResult }: { presets: readonly Preset[]; current: TracingView; onResult: (r: { ok: boolean; text: string }) => void }) {
  const [name, setName] = useState(current.preset);
  const [endpoint, setEndpoint] = useState('');
  const [region, setRegion] = useState('');
  const [headers, setHeaders] = useState('');
  const [sample, setSample] = useState(String(current.sampleRate * 100));
  const [busy, setBusy] = useState(false);
  const preset = presets.find((p) => p.name === name) ?? presets[0]!;

  const submit = async (e: Event) => {
    e.preventDefault();
    const parsed = parseHeaderLines(headers);
    if (typeof parsed === 'string') return onResult({ ok: false, text: parsed });
    setBusy(true);
    try {
      const applied = await applyTracing({
        preset: preset.name,
        sampleRate: Number(sample) / 100,
        ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}),
        ...(region.trim() ? { region: region.trim() } : {}),
        ...(Object.keys(parsed).length ? { headers: parsed } : {}),
      });
      onResult({ ok: true, text: `Applied: preset ${applied.preset}, ${applied.exporting ? `exporting to ${applied.endpoint}` : 'not exporting'}, ${(applied.sampleRate * 100).toFixed(1)} % sampled.` });
    } catch (err) {
      onResult({ ok: false, text: `Refused: ${explain(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={submit} aria-label="Switch the trace export">
      <fieldset class="presets">
        <legend>Backend preset</legend>
        {presets.map((p) => (
          <label key={p.name} class="preset">
            <input type="radio" name="preset" value={p.name} checked={p.name === name} onChange={() => setName(p.name)} />
            <span>{p.title}</span>
          </label>
        ))}
      </fieldset>
      <p class="hint">{preset.note}</p>
      <label class="field">
        <span>Endpoint {Object.keys(preset.endpoints).length ? '(optional: the preset has one)' : '(required)'}</span>
        <input type="url" value={endpoint} placeholder={Object.values(preset.endpoints)[0] ?? 'https://collector.example.com:4318/v1/traces'} onInput={(e) => setEndpoint((e.target as HTMLInputElement).value)} />
      </label>
      {preset.region && (
        <label class="field">
          <span>Region: {preset.region.what}</span>
          <input type="text" value={region} placeholder={preset.region.default ?? ''} onInput={(e) => setRegion((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <label class="field">
        <span>Headers, one name=value a line{preset.required_headers.length ? ` (needs ${preset.required_headers.map((h) => `${h.name}: ${h.what}`).join('; ')})` : ''}</span>
        <textarea rows={3} value={headers} spellcheck={false} autocomplete="off" onInput={(e) => setHeaders((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label class="field">
        <span>Sample rate (% of traces)</span>
        <input type="number" min={0} max={100} step={0.1} value={sample} onInput={(e) => setSample((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Applying…' : 'Apply at run time'}
      </button>
    </form>
  );
}
