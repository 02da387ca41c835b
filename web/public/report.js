/* Draws the report's charts (Chart.js) from the JSON embedded in the page, then says so for the PDF printer. */
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'Marianne, Arial, sans-serif';
  for (const section of data.sections) {
    const canvas = document.getElementById('chart-' + section.indicator);
    if (!canvas) continue;
    const share = section.kind === 'share';
    const values = section.trend.map((f) => (f.value === null ? null : share ? Math.round(f.value * 1000) / 10 : f.value));
    const datasets = [{ type: 'bar', label: share ? 'Réalisé (%)' : section.unit || 'Nombre', data: values, backgroundColor: '#000091' }];
    for (const t of section.targets) {
      datasets.push({ type: 'line', label: 'Objectif ' + t.year + ' (' + Math.round(t.share * 100) + ' %)', data: section.trend.map(() => t.share * 100),
        borderColor: '#c9191e', borderDash: [6, 4], pointRadius: 0, fill: false });
    }
    new Chart(canvas, {
      data: { labels: section.trend.map((f) => String(f.year)), datasets },
      options: { responsive: false, plugins: { legend: { position: 'bottom' } }, scales: { y: { beginAtZero: true, max: share ? 100 : undefined } } },
    });
  }
  window.chartsReady = true;
})();
