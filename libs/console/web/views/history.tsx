// Request history: the org's audit rows, newest first, with full-text search
// and filters kept in the URL, cursor paging, expandable rows with the masked
// arguments, response and error, and a CSV export of the current filter.
import { useState } from 'preact/hooks';
import { auditParams, fetchAuditCsv, fetchAuditPage, FILTER_NAMES, OUTCOMES, SOURCES, type AuditItem, type HistoryFilters } from '../data/audit.ts';
import { explain } from '../lib/api.ts';
import { saveBlob } from '../lib/download.ts';
import { ms, time, zone } from '../lib/format.ts';
import { location, setParams } from '../lib/route.ts';
import { can, org } from '../lib/session.ts';
import { useResource } from '../lib/use-resource.ts';
import { Empty, ErrorBanner } from '../components/status.tsx';
import { FilterBar } from '../components/filter-bar.tsx';

export function History() {
  const p = location.value.params;
  const filters = Object.fromEntries(FILTER_NAMES.map((n) => [n, p.get(n) ?? ''])) as unknown as HistoryFilters;
  const params = auditParams(filters, zone.value === 'utc');
  const key = JSON.stringify(params);
  const [cursors, setCursors] = useState<{ key: string; stack: (string | null)[] }>({ key, stack: [null] });
  const stack = cursors.key === key ? cursors.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  const page = useResource((signal) => fetchAuditPage(org.value, params, cursor, signal), [org.value, key, cursor]);
  const [open, setOpen] = useState<number | null>(null);
  const [csv, setCsv] = useState<string>('');

  const exportCsv = async () => {
    setCsv('Exporting…');
    try {
      const blob = await fetchAuditCsv(org.value, params);
      saveBlob(blob, `mcpg-audit-${org.value}.csv`);
      setCsv(`Exported ${blob.size.toLocaleString('en-US')} bytes.`);
    } catch (e) {
      setCsv(explain(e));
    }
  };

  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">Request history</h1>
      <FilterBar
        fields={[
          { name: 'q', label: 'Search', kind: 'search', placeholder: 'words, "a phrase", -exclude' },
          { name: 'status', label: 'Status', kind: 'select', options: OUTCOMES },
          { name: 'source', label: 'Source', kind: 'select', options: Object.keys(SOURCES) },
          { name: 'actor', label: 'Actor', kind: 'text' },
          { name: 'instance', label: 'Instance', kind: 'text' },
          { name: 'from', label: `From (${zone.value === 'utc' ? 'UTC' : 'local'} day)`, kind: 'date' },
          { name: 'to', label: 'To (day, inclusive)', kind: 'date' },
        ]}
        values={filters as unknown as Record<string, string>}
        onApply={(v) => setParams(v, true)}
      >
        {can('export') && (
          <button type="button" onClick={exportCsv}>
            Export CSV
          </button>
        )}
        <span class="note" role="status">
          {csv}
        </span>
      </FilterBar>
      <ErrorBanner error={page.error} retry={page.reload} />
      <table class="data history" aria-busy={page.loading}>
        <caption>Audit rows, newest first{page.data ? ` (page ${stack.length}, ${page.data.items.length} rows)` : ''}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Resource</th>
            <th scope="col">Actor</th>
            <th scope="col">Instance</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="num">Latency</th>
            <th scope="col" class="num">Seq</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.items.map((r) => <Row key={r.seq} row={r} open={open === r.seq} toggle={() => setOpen(open === r.seq ? null : r.seq)} />)}
        </tbody>
      </table>
      {page.data && page.data.items.length === 0 && <Empty>No audit rows match these filters.</Empty>}
      <div class="pager">
        <button type="button" disabled={stack.length <= 1} onClick={() => setCursors({ key, stack: stack.slice(0, -1) })}>
          Previous page
        </button>
        <button type="button" disabled={!page.data?.next_cursor} onClick={() => setCursors({ key, stack: [...stack, page.data!.next_cursor] })}>
          Next page
        </button>
      </div>
    </section>
  );
}

function Row({ row, open, toggle }: { row: AuditItem; open: boolean; toggle: () => void }) {
  return (
    <>
      <tr class={`outcome-${row.outcome}`}>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={toggle} aria-label={`Details of row ${row.seq}`}>
            {open ? '▾' : '▸'} {time(row.occurred_at, true)}
          </button>
        </td>
        <td>{row.action}</td>
        <td>{row.resource}</td>
        <td>{row.actor}</td>
        <td>{row.instance}</td>
        <td>
          <span class={`pill ${row.outcome}`}>{row.outcome}</span>
        </td>
        <td class="num">{ms(row.latency_ms)}</td>
        <td class="num">{row.seq}</td>
      </tr>
      {open && (
        <tr class="details">
          <td colSpan={8}>
            <dl>
              <dt>Event id</dt>
              <dd>{row.event_id}</dd>
              <dt>Workspace</dt>
              <dd>{row.workspace}</dd>
              <dt>Decision</dt>
              <dd>{row.decision}</dd>
              <dt>Trace id</dt>
              <dd>{row.trace_id ?? '–'}</dd>
              <dt>Arguments (masked)</dt>
              <dd>
                <pre>{row.arguments ?? '–'}</pre>
              </dd>
              <dt>Response (masked)</dt>
              <dd>
                <pre>{row.response ?? '–'}</pre>
              </dd>
              <dt>Error (masked)</dt>
              <dd>
                <pre>{row.error ?? '–'}</pre>
              </dd>
            </dl>
          </td>
        </tr>
      )}
    </>
  );
}
