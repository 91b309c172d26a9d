import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** One value per x; null leaves a gap. */
  values: (number | null)[];
  color: string;
  /** Draw as steps (weights change in steps), else lines. */
  stepped?: boolean;
}

interface ChartProps {
  /** Accessible name: what the chart shows. */
  title: string;
  /** Epoch seconds, ascending. */
  x: number[];
  series: ChartSeries[];
  height?: number;
  /** Unit of the y axis, for its labels (`%`, `ms`). */
  unit?: string;
  yRange?: [number, number];
}

/**
 * A time chart on uPlot (small, fast with thousands of points). Redrawn when its data changes, resized
 * with its container. A table of the same data belongs next to it for screen readers and export.
 */
export function TimeChart({ title, x, series, height = 220, unit = '', yRange }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ink = getComputedStyle(el).color;
    const grid = getComputedStyle(el).getPropertyValue('--border').trim() || 'rgba(128,128,128,0.3)';
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            paths: s.stepped ? uPlot.paths.stepped?.({ align: 1 }) : undefined,
            value: (_: uPlot, v: number | null) => (v === null ? '—' : `${Math.round(v * 100) / 100}${unit}`),
          })),
        ],
        // uPlot draws on a canvas, which CSS cannot colour: take the page's text colour (dark mode).
        axes: [
          { stroke: ink, grid: { stroke: grid } },
          {
            stroke: ink,
            grid: { stroke: grid },
            values: (_: uPlot, ticks: number[]) => ticks.map((t) => `${t}${unit}`),
          },
        ],
        scales: yRange ? { y: { range: yRange } } : {},
      },
      [x, ...series.map((s) => s.values)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, unit, yRange]);
  return <div ref={box} className="chart" role="img" aria-label={title} />;
}
