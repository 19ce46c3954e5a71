// The dashboard's charts: Chart.js (vendored) draws each <canvas data-chart="ID"> from the JSON that
// Django's json_script filter put in <script id="ID" type="application/json">. A click on a bar opens
// the filtered list behind it. No inline script or style: the strict CSP holds.
(function () {
  "use strict";
  var BAR_COLOUR = "#1e6fd9";
  var BAR_HOVER = "#0d4ea6";

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || !window.Chart) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var valueScale = { beginAtZero: true, ticks: {} };
    if (spec.wholeNumbers) {
      valueScale.ticks.precision = 0;
    }
    if (spec.max !== null) {
      valueScale.max = spec.max;
    }
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [{ label: spec.label, data: spec.values, backgroundColor: BAR_COLOUR, hoverBackgroundColor: BAR_HOVER }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: valueScale },
        onClick: function (event, elements) {
          if (elements.length) {
            window.location.assign(spec.urls[elements[0].index]);
          }
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
