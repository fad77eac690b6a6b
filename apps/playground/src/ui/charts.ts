/**
 * Live curves with uPlot (≈ 50 KB, MIT; the CLI's report uses it too): training loss and
 * evaluation loss by step, and evaluation accuracy (and F1) by step. Series logged at different
 * steps share one x axis; a series has no value at the other's steps, and lines span the gaps.
 * The charts follow their container's width.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';

/** One line of a chart. */
export interface SeriesSpec {
  label: string;
  color: string;
  /** Dashed, for evaluation series next to a training one. */
  dash?: boolean;
}

/** Points of every series by step: `values[i]` belongs to series i (null: not logged at this step). */
export type StepPoints = Map<number, (number | null)[]>;

/** A chart of step-indexed series. */
export class CurveChart {
  readonly element: HTMLDivElement;
  readonly #plot: uPlot;
  readonly #series: SeriesSpec[];
  readonly #empty: HTMLDivElement;

  constructor(title: string, series: SeriesSpec[], opts: { yRange?: [number, number]; testId: string }) {
    this.#series = series;
    const plotHost = h('div', { class: 'chart-plot' });
    this.#empty = h('div', { class: 'chart-empty' }, 'No points yet');
    this.element = h('div', { class: 'chart', 'data-testid': opts.testId }, h('div', { class: 'chart-title' }, title), plotHost, this.#empty);
    const range = opts.yRange;
    this.#plot = new uPlot(
      {
        width: 400,
        height: 200,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false },
          y: range ? { range: () => range } : { range: (_u, min, max) => (min === max ? [min - 0.5, max + 0.5] : uPlot.rangeNum(min, max, 0.1, true)) },
        },
        axes: [
          { label: 'step', stroke: '#64748b', grid: { stroke: '#eef2f7' }, ticks: { stroke: '#e2e8f0' } },
          { stroke: '#64748b', grid: { stroke: '#eef2f7' }, ticks: { stroke: '#e2e8f0' }, size: 48 },
        ],
        series: [
          { label: 'step' },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            dash: s.dash ? [6, 4] : undefined,
            spanGaps: true,
            points: { show: true, size: s.dash ? 6 : 4, fill: s.color },
          })),
        ],
      },
      [[], ...series.map(() => [])],
      plotHost,
    );
    new ResizeObserver(() => {
      const width = plotHost.clientWidth;
      if (width > 0) this.#plot.setSize({ width, height: 200 });
    }).observe(plotHost);
  }

  /** Replaces the points. */
  setData(points: StepPoints): void {
    const steps = [...points.keys()].sort((a, b) => a - b);
    const columns = this.#series.map((_, i) => steps.map((s) => points.get(s)![i] ?? null));
    this.#plot.setData([steps, ...columns] as uPlot.AlignedData);
    this.#empty.hidden = steps.length > 0;
  }
}
