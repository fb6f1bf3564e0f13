import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Tooltip,
} from 'chart.js';
import { calendarDate, compactNumber, money, percent } from '../lib/format.js';
import type { CategoryStats, MarketStats, SeriesPoint } from './types.js';

// Only the parts used: keeps the bundle small.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = '#1f2933';

/** Colours told apart by people with the common colour-vision deficiencies, and dark enough on white. */
export const COLORS = { qr: '#0b6e4f', card: '#2f5fb3', cash: '#c0651a', share: '#6b2c91' };

/** Marks the canvas once drawn (tests and screen-reader-free checks look for it). */
const renderedFlag: Plugin = {
  id: 'renderedFlag',
  afterRender(chart) {
    chart.canvas.dataset.rendered = 'true';
  },
};

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export function periodLabel(p: SeriesPoint, granularity: MarketStats['granularity']): string {
  if (granularity === 'day') return calendarDate(p.period).slice(0, 5); // dd/MM
  if (granularity === 'week') return `Tuần ${p.period.slice(-2)}/${p.period.slice(0, 4)}`;
  return `${p.period.slice(5, 7)}/${p.period.slice(0, 4)}`;
}

const moneyAxis = (v: string | number) => `${compactNumber(Number(v))} ₫`;

export function seriesChart(canvas: HTMLCanvasElement, s: MarketStats): Chart {
  const config: ChartConfiguration<'bar' | 'line', number[], string> = {
    type: 'bar',
    data: {
      labels: s.series.map((p) => periodLabel(p, s.granularity)),
      datasets: [
        { type: 'bar', label: 'VietQR', data: s.series.map((p) => p.qrValueVnd), backgroundColor: COLORS.qr, stack: 'value', yAxisID: 'y' },
        { type: 'bar', label: 'Thẻ', data: s.series.map((p) => p.cardValueVnd), backgroundColor: COLORS.card, stack: 'value', yAxisID: 'y' },
        { type: 'bar', label: 'Tiền mặt', data: s.series.map((p) => p.cashValueVnd), backgroundColor: COLORS.cash, stack: 'value', yAxisID: 'y' },
        {
          type: 'line',
          label: 'Tỷ lệ không tiền mặt (giá trị)',
          data: s.series.map((p) => (p.cashlessShareByValue === null ? NaN : p.cashlessShareByValue * 100)),
          borderColor: COLORS.share,
          backgroundColor: COLORS.share,
          borderWidth: 2,
          pointRadius: s.series.length > 60 ? 0 : 3,
          spanGaps: true,
          yAxisID: 'share',
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 300 },
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true } },
        y: { stacked: true, beginAtZero: true, ticks: { callback: moneyAxis }, title: { display: true, text: 'Giá trị giao dịch' } },
        share: {
          position: 'right',
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          ticks: { callback: (v) => `${v}%` },
          title: { display: true, text: 'Tỷ lệ không tiền mặt' },
        },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: (items) => {
              const p = s.series[items[0]?.dataIndex ?? 0];
              return p.from === p.to ? calendarDate(p.from) : `${calendarDate(p.from)} – ${calendarDate(p.to)}`;
            },
            label: (ctx) => (ctx.dataset.yAxisID === 'share' ? `${ctx.dataset.label}: ${Number.isNaN(ctx.parsed.y) ? '—' : percent((ctx.parsed.y ?? 0) / 100)}` : `${ctx.dataset.label}: ${money(ctx.parsed.y ?? 0)}`),
          },
        },
      },
    },
    plugins: [renderedFlag],
  };
  return new Chart(canvas, config as ChartConfiguration);
}

/** Categories that have stalls or sales in the period. */
export function shownCategories(s: MarketStats): CategoryStats[] {
  return s.byCategory.filter((c) => c.stalls.total > 0 || c.valueVnd > 0);
}

export function categoryChart(canvas: HTMLCanvasElement, s: MarketStats): Chart {
  const cats = shownCategories(s);
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: cats.map((c) => c.label),
      datasets: [
        { label: 'Không tiền mặt (QR, thẻ)', data: cats.map((c) => c.cashlessValueVnd), backgroundColor: COLORS.qr, stack: 'v' },
        { label: 'Tiền mặt', data: cats.map((c) => c.cashValueVnd), backgroundColor: COLORS.cash, stack: 'v' },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 300 },
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { callback: moneyAxis } },
        y: { stacked: true, grid: { display: false } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (ctx) => `${ctx.dataset.label}: ${money(ctx.parsed.x ?? 0)}`,
            afterBody: (items) => {
              const c = cats[items[0]?.dataIndex ?? 0];
              return c ? `Tỷ lệ không tiền mặt: ${percent(c.cashlessShareByValue)} · ${c.stalls.total} quầy` : '';
            },
          },
        },
      },
    },
    plugins: [renderedFlag],
  });
}
