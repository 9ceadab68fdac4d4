// One call's trace: identity → policy decision → dispatch → outcome, its trace
// id (linked through a configurable template for Jaeger, Tempo, …), its audit
// rows, its ledger row proven in this browser against the published keys, and
// where its time went on the way to storage: gateway, Kafka, pipeline.
import { useState } from 'preact/hooks';
import { checkLedgerRow, fetchTrace, type CallTrace } from '../data/invocations.ts';
import { age, int, ms, time } from '../lib/format.ts';
import { org } from '../lib/session.ts';
import { useResource } from '../lib/use-resource.ts';
import { ErrorBanner } from '../components/status.tsx';
import { PayloadPanel } from './payload-panel.tsx';

const LINK_KEY = 'mcpg.console.traceLink';
const readLink = () => {
  try {
    return localStorage.getItem(LINK_KEY) ?? '';
  } catch {
    return '';
  }
};

export function CallTracePanel({ eventId }: { eventId: string }) {
  const res = useResource((signal) => fetchTrace(org.value, eventId, signal), [org.value, eventId]);
  const t = res.data;
  return (
    <div class="card" role="region" aria-label="Call trace">
      <h2>Call {eventId}</h2>
      <ErrorBanner error={res.error} retry={res.reload} />
      {t && (
        <>
          <ol class="steps" aria-label="Stages of the call">
            {t.steps.map((s, i) => (
              <li key={i}>
                <b>{s.stage}</b> {s.at !== null ? <span class="note">{time(s.at, true)}</span> : null} — {s.summary}
              </li>
            ))}
          </ol>
          <dl class="facts">
            <dt>Tool</dt>
            <dd>
              {t.call.plugin}/{t.call.tool} ({t.call.source}, workspace {t.call.workspace})
            </dd>
            <dt>Identity</dt>
            <dd>
              {t.call.actor} via {t.call.instance}
            </dd>
            <dt>Policy</dt>
            <dd>
              {t.call.policy_decision ?? '–'}
              {t.call.policy_rule ? ` (rule ${t.call.policy_rule})` : ''}
            </dd>
            <dt>Outcome</dt>
            <dd>
              {t.call.outcome}
              {t.call.error_code ? ` (${t.call.error_code})` : ''} after {ms(t.call.duration_ms)}; {int(t.call.tokens_in)} tok in, {int(t.call.tokens_out)} tok out
            </dd>
            <dt>Trace id</dt>
            <dd>
              <TraceLink traceId={t.call.trace_id} />
            </dd>
          </dl>
          <LagSplit lag={t.lag} />
          <LedgerRow trace={t} />
          <PayloadPanel eventId={eventId} />
        </>
      )}
    </div>
  );
}

function TraceLink({ traceId }: { traceId: string | null }) {
  const [template, setTemplate] = useState(readLink());
  if (!traceId) return <>–</>;
  const href = template.includes('{trace_id}') ? template.replace('{trace_id}', encodeURIComponent(traceId)) : '';
  return (
    <span class="trace-link">
      {href ? (
        <a href={href} target="_blank" rel="noreferrer noopener">
          {traceId}
        </a>
      ) : (
        <span class="mono">{traceId}</span>
      )}
      <label class="field">
        <span>Trace link template ({'{trace_id}'} is replaced), kept in this browser</span>
        <input
          type="url"
          value={template}
          placeholder="http://jaeger.example:16686/trace/{trace_id}"
          onChange={(e) => {
            const v = (e.target as HTMLInputElement).value.trim();
            setTemplate(v);
            try {
              localStorage.setItem(LINK_KEY, v);
            } catch {
              /* a preference only */
            }
          }}
        />
      </label>
    </span>
  );
}

/**
 * An event that entered Kafka this long after the gateway emitted it was
 * produced late, not slowed down: history back-filled into the log (the
 * simulator's), or events a gateway held in its disk spool while Kafka was
 * unreachable. A gateway that is connected produces within milliseconds.
 */
const PRODUCED_LATE_MS = 60_000;

function LagSplit({ lag }: { lag: CallTrace['lag'] }) {
  const late = lag.kafka_ms !== null && lag.kafka_ms > PRODUCED_LATE_MS;
  const parts = [
    { name: 'Gateway (call start → event emitted)', v: lag.gateway_ms, color: 'var(--series-1)' },
    { name: 'Kafka (emitted → in the log)', v: late ? null : lag.kafka_ms, color: 'var(--series-2)' },
    { name: 'Pipeline (log → stored)', v: lag.pipeline_ms, color: 'var(--series-3)' },
  ];
  const total = parts.reduce((s, p) => s + Math.max(0, p.v ?? 0), 0);
  return (
    <div role="group" aria-label="Lag split">
      <h3>Arrival against processing</h3>
      <div class="lag" aria-hidden="true">
        {parts.map((p) => (
          <span key={p.name} style={{ width: total > 0 ? `${(100 * Math.max(0, p.v ?? 0)) / total}%` : '0', background: p.color }} />
        ))}
      </div>
      <p class="note">
        {parts
          .filter((p) => !(late && p.v === null && p.name.startsWith('Kafka')))
          .map((p) => `${p.name}: ${p.v === null ? 'unknown' : ms(p.v)}`)
          .join(' · ')}
      </p>
      {late && (
        <p class="note">
          Produced late: the event entered Kafka {age(0, lag.kafka_ms!)} after the gateway emitted it, so this is back-filled history or events a gateway
          held in its spool while Kafka was unreachable, not a slow pipeline. It is left out of the bar.
        </p>
      )}
    </div>
  );
}

function LedgerRow({ trace }: { trace: CallTrace }) {
  const row = trace.ledger ? trace.audit.find((a) => a.seq === trace.ledger!.seq) : undefined;
  const check = useResource(
    async () => (trace.ledger && row ? checkLedgerRow(org.value, trace.ledger.seq, row.leaf_hash, trace.ledger.inclusion_proof_url) : undefined),
    [trace.call.event_id],
  );
  if (!trace.ledger) return <p class="note">No ledger row for this call (yet).</p>;
  const v = check.data;
  return (
    <div role="group" aria-label="Ledger row">
      <h3>Ledger row seq {int(trace.ledger.seq)}</h3>
      {row && (
        <p class="note">
          {row.action} {row.resource} by {row.actor}: {row.decision}, {row.outcome}; leaf <span class="mono">{row.leaf_hash.slice(0, 16)}…</span>
        </p>
      )}
      <ErrorBanner error={check.error} retry={check.reload} />
      <p aria-live="polite">
        {check.loading
          ? 'Checking the inclusion proof in this browser…'
          : v &&
            (v.ok && v.leafMatches ? (
              <span class="pill ok">
                included in the tree of {int(v.treeSize)} rows signed by {v.signedBy} (checked in this browser)
              </span>
            ) : (
              <span class="pill error">not proven: {v.ok ? 'the proof is for another leaf hash than the audit row' : v.reason}</span>
            ))}
      </p>
    </div>
  );
}
