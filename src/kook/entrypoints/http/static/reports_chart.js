/* Kook reports: bar charts drawn from the page's own data (no inline script; CSP-safe).
 * canvas[data-kook-chart="ID"]: the chart's data is the JSON of <script type="application/json" id="ID">:
 *   {"labels": [...], "datasets": [{"label": "...", "data": [...]}], "unit": "ریال"}
 * Needs /static/vendor/chart.umd.min.js (Chart.js 4, from npm) loaded before this file.
 */
(function () {
  "use strict";

  var PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  var COLORS = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];

  function persian(value) {
    var text = Math.round(Number(value) || 0).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u066C");
    return text.replace(/[0-9]/g, function (d) { return PERSIAN_DIGITS.charAt(Number(d)); });
  }

  function draw(canvas) {
    if (typeof window.Chart === "undefined" || canvas.getAttribute("data-kook-drawn")) return;
    var source = document.getElementById(canvas.getAttribute("data-kook-chart"));
    if (!source) return;
    var data;
    try {
      data = JSON.parse(source.textContent || "{}");
    } catch (e) {
      return;
    }
    var unit = data.unit ? " " + data.unit : "";
    window.Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels || [],
        datasets: (data.datasets || []).map(function (set, index) {
          return { label: set.label, data: set.data, backgroundColor: COLORS[index % COLORS.length] };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: "fa-IR",
        plugins: {
          legend: { rtl: true, position: "bottom" },
          tooltip: {
            rtl: true,
            callbacks: {
              label: function (item) { return item.dataset.label + ": " + persian(item.raw) + unit; }
            }
          }
        },
        scales: {
          x: { reverse: true },
          y: { position: "right", beginAtZero: true, ticks: { callback: function (value) { return persian(value); } } }
        }
      }
    });
    canvas.setAttribute("data-kook-drawn", "1");
  }

  function drawAll() {
    var canvases = document.querySelectorAll("canvas[data-kook-chart]");
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
