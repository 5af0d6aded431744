import * as echarts from 'echarts';
import type { SurveyKind } from '../../db/schema';
import { KIND_DISPLAY } from '../surveys/scales';
import type { TrendPointDto } from './report.types';

const BAND = '#c7d7f2';
const LINE = '#1f4e99';

function axisRange(kind: SurveyKind): { min: number; max: number } {
  return KIND_DISPLAY[kind].axis;
}

/**
 * The page's CSP allows no inline styles: ECharts' hover `<style>` block is dropped (a static
 * chart has no hover) and `style="font-size:12px;…"` becomes SVG presentation attributes
 * (`font-size="12px"`), which CSP does not govern.
 */
export function toPresentationAttributes(svg: string): string {
  return svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_m, decls: string) =>
      decls
        .split(';')
        .map((d) => d.trim())
        .filter((d) => /^[a-z-]+\s*:/.test(d))
        .map((d) => {
          const i = d.indexOf(':');
          const value = d
            .slice(i + 1)
            .trim()
            .replace(/"/g, '&quot;');
          return ` ${d.slice(0, i).trim()}="${value}"`;
        })
        .join(''),
    );
}

/**
 * The 12-month trend as an SVG string: the score line over its confidence band (ECharts,
 * server-side rendering). The band is a stacked area from the lower to the upper bound.
 */
export function trendChartSvg(
  kind: SurveyKind,
  points: readonly TrendPointDto[],
  size: { width: number; height: number } = { width: 640, height: 260 },
): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...size });
  try {
    const lower = points.map((p) => p.lower);
    const band = points.map((p) =>
      p.lower === null || p.upper === null ? null : p.upper - p.lower,
    );
    chart.setOption({
      animation: false,
      grid: { left: 44, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: points.map((p) => p.label), boundaryGap: false },
      yAxis: { type: 'value', ...axisRange(kind), splitNumber: 4 },
      legend: { data: ['score', '95 % interval'], top: 0, right: 0, textStyle: { fontSize: 11 } },
      series: [
        {
          name: 'lower',
          type: 'line',
          data: lower,
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          silent: true,
        },
        {
          name: '95 % interval',
          type: 'line',
          data: band,
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: BAND },
          itemStyle: { color: BAND },
          silent: true,
        },
        {
          name: 'score',
          type: 'line',
          data: points.map((p) => (p.score === null ? null : Number(p.score.toFixed(2)))),
          symbolSize: 6,
          lineStyle: { color: LINE, width: 2 },
          itemStyle: { color: LINE },
          connectNulls: false,
        },
      ],
    });
    return toPresentationAttributes(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}
