// Ledger: the latest signed checkpoint (its signature checked here, in the
// browser, against the published keys), the history, the keys with their
// validity windows, and verification of a range of rows by the API.
import { useState } from 'preact/hooks';
import { fetchCheckpoints, fetchKeys, verifyRange, type Checkpoint, type LedgerKey, type VerifyAnswer } from '../data/ledger.ts';
import { explain } from '../lib/api.ts';
import { int, time } from '../lib/format.ts';
import { verifyNote } from '../lib/ledger-verify.ts';
import { org } from '../lib/session.ts';
import { useResource } from '../lib/use-resource.ts';
import { Banner, Empty, ErrorBanner } from '../components/status.tsx';

export function Ledger() {
  const [before, setBefore] = useState<number[]>([]);
  const cps = useResource((s) => fetchCheckpoints(org.value, before[before.length - 1] ?? null, s), [org.value, before.join()]);
  const keys = useResource((s) => fetchKeys(s), []);
  const latest = cps.data?.latest ?? null;
  return (
    <section aria-labelledby="ledger-title">
      <h1 id="ledger-title">Ledger</h1>
      <ErrorBanner error={cps.error ?? keys.error} retry={() => (cps.reload(), keys.reload())} />
      <h2>Latest signed checkpoint</h2>
      {latest ? <Latest cp={latest} keys={keys.data ?? []} /> : cps.data && <Empty>No checkpoint is signed for {org.value} yet.</Empty>}
      <h2>Verify a range</h2>
      <VerifyForm key={latest?.tree_size ?? 0} max={latest ? latest.tree_size - 1 : 0} />
      <h2>History</h2>
      <table class="data" aria-busy={cps.loading}>
        <caption>Signed checkpoints, newest first</caption>
        <thead>
          <tr>
            <th scope="col" class="num">Tree size</th>
            <th scope="col" class="num">Segment</th>
            <th scope="col">Last event</th>
            <th scope="col">Closed by</th>
            <th scope="col">Key</th>
            <th scope="col">Root</th>
          </tr>
        </thead>
        <tbody>
          {cps.data?.checkpoints.map((c) => (
            <tr key={c.tree_size}>
              <td class="num">{int(c.tree_size)} rows</td>
              <td class="num">
                seq {int(c.first_seq)}–{int(c.tree_size - 1)}
              </td>
              <td>{time(c.event_time)}</td>
              <td>{c.closed_by === 'rows' ? 'row count' : 'event time'}</td>
              <td>
                {c.key_name}+{c.key_id}
              </td>
              <td class="mono">{c.root.slice(0, 16)}…</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!cps.data?.next_before_size} onClick={() => setBefore([...before, cps.data!.next_before_size!])}>
          Older
        </button>
      </div>
      <h2>Signing keys</h2>
      <KeyTable keys={keys.data ?? []} />
    </section>
  );
}

function Latest({ cp, keys }: { cp: Checkpoint; keys: readonly LedgerKey[] }) {
  const check = keys.length ? verifyNote(cp.note, keys) : undefined;
  return (
    <div class="card">
      <dl class="facts">
        <dt>Rows covered</dt>
        <dd>
          {int(cp.tree_size)} rows (seq 0–{int(cp.tree_size - 1)})
        </dd>
        <dt>Last event time</dt>
        <dd>{time(cp.event_time)}</dd>
        <dt>Merkle root</dt>
        <dd class="mono">{cp.root}</dd>
        <dt>Chain head</dt>
        <dd class="mono">{cp.chain_head}</dd>
        <dt>Signature (checked in this browser)</dt>
        <dd>{check === undefined ? 'no published keys' : check.ok ? <span class="pill ok">valid, signed by {check.signedBy}</span> : <span class="pill error">{check.reason}</span>}</dd>
      </dl>
      <details>
        <summary>Signed note</summary>
        <pre>{cp.note}</pre>
      </details>
    </div>
  );
}

function VerifyForm({ max }: { max: number }) {
  const [from, setFrom] = useState('0');
  const [to, setTo] = useState(String(max));
  const [answer, setAnswer] = useState<VerifyAnswer | string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setAnswer('Verifying…');
    try {
      setAnswer(await verifyRange(org.value, Number(from), Number(to)));
    } catch (err) {
      setAnswer(explain(err));
    }
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Verify a range of rows">
      <label class="field">
        <span>From seq</span>
        <input type="number" min={0} value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>
      <label class="field">
        <span>To seq (inclusive)</span>
        <input type="number" min={0} value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Verify</button>
      <span role="status" class="note">
        {typeof answer === 'string'
          ? answer
          : answer &&
            (answer.verified ? (
              <span class="pill ok">verified against checkpoint of {int(answer.checkpoint?.tree_size)} rows, signed by {answer.signed_by}</span>
            ) : (
              <span class="pill error">
                not verified: {answer.error?.code}
                {answer.error?.seq !== undefined ? ` at seq ${answer.error.seq}` : ''}
              </span>
            ))}
      </span>
    </form>
  );
}

function KeyTable({ keys }: { keys: readonly LedgerKey[] }) {
  if (keys.length === 0) return <Banner kind="warn">No public keys are published (/v1/ledger/keys is empty): checkpoints cannot be verified.</Banner>;
  return (
    <table class="data">
      <caption>Published keys and the event times each may sign for</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Key id</th>
          <th scope="col">Valid from</th>
          <th scope="col">Valid until</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={`${k.name}+${k.key_id}`}>
            <td>{k.name}</td>
            <td class="mono">{k.key_id}</td>
            <td>{k.not_before ? time(k.not_before) : 'always'}</td>
            <td>{k.not_after ? time(k.not_after) : 'no end'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
