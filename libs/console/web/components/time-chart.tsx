// A uPlot chart over columnar arrays as the API returns them ([t, ...series],
// t in epoch seconds). Colours come from the CSS variables of the current
// theme; the chart follows its container's width; marked buckets (anomalies)
// are shaded; a click on a bucket reports its index.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { zone } from '../lib/format.ts';

const p2 = (n: number) => String(n).padStart(2, '0');
/** Tick labels in the chosen zone, 24-hour: times within a day, dates beyond. */
function tickLabels(splits: number[], utc: boolean): string[] {
  const span = splits.length > 1 ? splits[splits.length - 1]! - splits[0]! : 0;
  return splits.map((s, i) => {
    const d = new Date(s * 1000);
    const [mo, da, h, mi] = utc ? [d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()] : [d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];
    const date = `${p2(mo)}-${p2(da)}`;
    const clock = `${p2(h)}:${p2(mi)}`;
    if (span > 3 * 86_400) return date;
    return i === 0 || (h === 0 && mi === 0) ? `${clock}\n${date}` : clock;
  });
}
/** Room for the longest y label (canvas text is not measured before drawing). */
const axisSize = (_u: uPlot, values: string[] | null) => 16 + 7 * Math.max(4, ...(values ?? []).map((v) => v.length));

export interface ChartSeries {
  readonly label: string;
  /** Formats a value of this series with its unit (legend and axis). */
  readonly format: (v: number | null) => string;
  /** CSS variable holding the colour, e.g. --series-1. */
  readonly color: string;
  readonly dashed?: boolean;
}

export interface TimeChartProps {
  readonly title: string;
  readonly data: uPlot.AlignedData;
  readonly series: readonly ChartSeries[];
  readonly height?: number;
  /** Bucket indexes to shade (anomalies). */
  readonly marks?: readonly number[];
  readonly onPick?: (index: number) => void;
  /** The x range in epoch seconds (the requested range, not just where data is). */
  readonly xRange?: readonly [number, number];
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

const DARK = '(prefers-color-scheme: dark)';
/** Whether the system asks for dark colours now; follows a switch (e.g. at dusk). */
function useDarkScheme(): boolean {
  const [dark, setDark] = useState(() => matchMedia(DARK).matches);
  useEffect(() => {
    const media = matchMedia(DARK);
    const follow = () => setDark(media.matches);
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, []);
  return dark;
}

export function TimeChart({ title, data, series, height = 200, marks = [], onPick, xRange }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const state = useRef({ marks, onPick, xRange });
  state.current = { marks, onPick, xRange };

  // (Re)create on a change of shape, zone or theme (uPlot keeps the colours
  // it was made with); update the data in place otherwise.
  const dark = useDarkScheme();
  const shape = `${series.map((s) => s.label).join('|')}:${zone.value}:${height}:${dark ? 'dark' : 'light'}`;
  useEffect(() => {
    const el = box.current!;
    const axisColor = css('--muted');
    const grid = { stroke: css('--grid'), width: 1 };
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      tzDate: zone.value === 'utc' ? (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : (ts) => new Date(ts * 1000),
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
      scales: { x: { time: true, range: (_u, lo, hi) => (state.current.xRange ? [state.current.xRange[0], state.current.xRange[1]] : [lo, hi]) } },
      axes: [
        { stroke: axisColor, grid, ticks: grid, size: 44, values: (_u, splits) => tickLabels(splits, zone.value === 'utc') },
        { stroke: axisColor, grid, ticks: grid, size: axisSize, values: (_u, vals) => vals.map((v) => series[0]!.format(v)) },
      ],
      series: [
        { label: 'Time', value: (_u: uPlot, v: number | null) => (v === null ? '–' : tickLabels([v], zone.value === 'utc')[0]!.replace('\n', ' ')) },
        ...series.map((s) => ({
          label: s.label,
          stroke: css(s.color),
          width: 1.5,
          dash: s.dashed ? [4, 3] : undefined,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => s.format(v),
        })),
      ],
      hooks: {
        drawClear: [
          (u) => {
            const xs = u.data[0];
            const step = xs.length > 1 ? (xs[1]! - xs[0]!) : 60;
            u.ctx.save();
            u.ctx.fillStyle = css('--mark');
            for (const i of state.current.marks) {
              const x0 = u.valToPos(xs[i]!, 'x', true);
              const x1 = u.valToPos(xs[i]! + step, 'x', true);
              u.ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
            }
            u.ctx.restore();
          },
        ],
      },
    };
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const click = () => {
      const i = u.cursor.idx;
      if (i !== null && i !== undefined) state.current.onPick?.(i);
    };
    u.over.addEventListener('click', click);
    const resize = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data, marks]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" style={{ minHeight: `${height + 40}px` }} />
    </figure>
  );
}
