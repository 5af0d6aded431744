import * as echarts from 'echarts';

export interface TrendSeriesPoint {
  label: string;
  score: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ChartImage {
  /** data: URL of the SVG; shown through <img>, so nothing inside it can ever run. */
  src: string;
  alt: string;
}

function toImage(option: echarts.EChartsCoreOption, width: number, height: number, alt: string) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    const svg = chart.renderToSVGString();
    return { src: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, alt };
  } finally {
    chart.dispose();
  }
}

/**
 * Score per period with its interval as a shaded band (lower bound plus a stacked
 * upper − lower area), rendered by ECharts on the server as SVG.
 */
export function trendChart(
  points: TrendSeriesPoint[],
  opts: { unit: string; min: number; max: number; alt: string; width?: number; height?: number },
): ChartImage {
  const labels = points.map((p) => p.label);
  const lower = points.map((p) => (p.lower === null ? '-' : round(p.lower)));
  const band = points.map((p) =>
    p.lower === null || p.upper === null ? '-' : round(p.upper - p.lower),
  );
  const score = points.map((p) => (p.score === null ? '-' : round(p.score)));
  return toImage(
    {
      backgroundColor: '#ffffff',
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      xAxis: { type: 'category', data: labels, boundaryGap: false },
      yAxis: { type: 'value', min: opts.min, max: opts.max, name: opts.unit },
      series: [
        {
          name: 'lower',
          type: 'line',
          data: lower,
          stack: 'interval',
          symbol: 'none',
          lineStyle: { opacity: 0 },
        },
        {
          name: 'interval',
          type: 'line',
          data: band,
          stack: 'interval',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: '#93c5fd', opacity: 0.45 },
        },
        {
          name: 'score',
          type: 'line',
          data: score,
          symbol: 'circle',
          symbolSize: 6,
          connectNulls: false,
          lineStyle: { color: '#1d4ed8', width: 2 },
          itemStyle: { color: '#1d4ed8' },
        },
      ],
    },
    opts.width ?? 720,
    opts.height ?? 280,
    opts.alt,
  );
}

/** Horizontal bars with error bars drawn as a custom-free pair of series (score and interval). */
export function segmentChart(
  rows: { label: string; score: number | null; lower: number | null; upper: number | null }[],
  opts: { min: number; max: number; alt: string },
): ChartImage {
  const labels = rows.map((r) => r.label);
  return toImage(
    {
      backgroundColor: '#ffffff',
      grid: { left: 120, right: 24, top: 16, bottom: 32 },
      xAxis: { type: 'value', min: opts.min, max: opts.max },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => (r.score === null ? '-' : round(r.score))),
          itemStyle: { color: '#1d4ed8' },
          barMaxWidth: 18,
        },
        {
          type: 'scatter',
          symbol: 'rect',
          symbolSize: [2, 14],
          data: rows.flatMap((r, i) =>
            r.lower === null || r.upper === null
              ? []
              : [
                  [round(r.lower), i],
                  [round(r.upper), i],
                ],
          ),
          itemStyle: { color: '#102a43' },
        },
      ],
    },
    720,
    Math.max(120, 40 + rows.length * 32),
    opts.alt,
  );
}

const round = (v: number) => Math.round(v * 10) / 10;
