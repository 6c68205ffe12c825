// Chart.js (the UMD build, loaded before this module) draws every chart; this file only turns
// report rows into chart configurations. All charts are horizontal bars: province names stay
// readable at phone width, and 63 provinces simply make a taller chart.

const Chart = globalThis.Chart;
const charts = new Map();

export const COLORS = {
  japan: '#b3002d',
  other: '#5b6b82',
  prefecture: '#0f6e7a',
  pipeline: '#1f5fa8',
  returned: '#5b6b82',
  reintegrated: '#1b7f4b',
  median: '#7a4b00',
  mean: '#c98a1a',
  received: '#1f5fa8',
  unresolved: '#c98a1a',
  overdue: '#a4001f',
};

/** Long labels on two or more lines (Chart.js takes an array), so a phone does not clip them. */
export function wrapLabel(text, max = 18) {
  if (text.length <= max) return text;
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && `${line} ${word}`.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

if (Chart) {
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 13;
  Chart.defaults.color = '#1d2433';
}

/**
 * Draws (or redraws) the bar chart on `canvas`.
 * @param {HTMLCanvasElement} canvas
 * @param {{ labels: string[], datasets: { label: string, data: (number|null)[], color: string }[],
 *           stacked?: boolean, decimals?: boolean, altText: string,
 *           tooltipFooter?: (index: number) => string }} spec
 */
export function drawBarChart(canvas, spec) {
  charts.get(canvas.id)?.destroy();
  canvas.setAttribute('aria-label', spec.altText);
  // One bar row is about 2.2rem, more for a label wrapped on three lines or for two or three bars
  // side by side; the axes and the legend need about 6rem more.
  const labels = spec.labels.map((label) => wrapLabel(label));
  const bars = spec.stacked ? 1 : spec.datasets.length;
  const rowHeight = (label) =>
    Math.max(2.2, (Array.isArray(label) ? label.length : 1) * 1.05 + 0.6, bars * 1.1);
  const box = canvas.parentElement;
  box.style.height = `${Math.max(12, labels.reduce((n, label) => n + rowHeight(label), 0) + 6)}rem`;
  const stacked = spec.stacked ?? false;
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: spec.datasets.map((d) => ({
        label: d.label,
        data: d.data,
        backgroundColor: d.color,
        borderColor: d.color,
        borderWidth: 1,
        maxBarThickness: 28,
      })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      // No animation: the bars are there at once, so a print or a full-page screenshot taken while
      // the page settles (or a resize) never catches a chart with its bars still at zero.
      animation: false,
      scales: {
        x: { stacked, beginAtZero: true, ticks: spec.decimals ? {} : { precision: 0 } },
        y: { stacked, ticks: { autoSkip: false } },
      },
      plugins: {
        legend: { display: spec.datasets.length > 1, position: 'bottom' },
        tooltip: {
          callbacks: spec.tooltipFooter
            ? { footer: (items) => (items.length ? spec.tooltipFooter(items[0].dataIndex) : '') }
            : {},
        },
      },
    },
  });
  charts.set(canvas.id, chart);
  return chart;
}

export function destroyChart(canvas) {
  charts.get(canvas.id)?.destroy();
  charts.delete(canvas.id);
  canvas.removeAttribute('aria-label');
}
