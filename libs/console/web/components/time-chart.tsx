// A uPlot chart over columnar arrays as the API returns them ([t, ...series],
// t in epoch seconds). Colours come from the CSS variables of the current
// theme; the chart follows its container's width; marked buckets (anomalies)
// are shaded; a click on a bucket reports its index.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { zone } from '../lib/format.ts';

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

export function TimeChart({ title, data, series, height = 200, marks = [], onPick, xRange }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const state = useRef({ marks, onPick, xRange });
  state.current = { marks, onPick, xRange };

  // (Re)create on a change of shape, zone or theme; update the data in place otherwise.
  const shape = `${series.map((s) => s.label).join('|')}:${zone.value}:${height}`;
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
        { stroke: axisColor, grid, ticks: grid },
        { stroke: axisColor, grid, ticks: grid, size: 96, values: (_u, vals) => vals.map((v) => series[0]!.format(v)) },
      ],
      series: [{ label: 'Time' }, ...series.map((s) => ({ label: s.label, stroke: css(s.color), width: 1.5, dash: s.dashed ? [4, 3] : undefined, spanGaps: false, value: (_u: uPlot, v: number | null) => s.format(v) }))],
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
    const theme = matchMedia('(prefers-color-scheme: dark)');
    const retheme = () => u.redraw();
    theme.addEventListener('change', retheme);
    return () => {
      resize.disconnect();
      theme.removeEventListener('change', retheme);
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
