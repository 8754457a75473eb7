/* Charts of the report pages and the manager's dashboard, drawn with the vendored Chart.js
   (static/vendor/chartjs). The server sends each chart's specification with json_script
   (orders/report_charts.py); every <canvas data-chart="key"> gets the spec of that key.
   Money arrives as strings with two decimals: it is drawn, and shown back in tooltips as the
   server wrote it, never added up here. A drawn canvas says so: data-rendered="1". */
(function () {
  "use strict";

  // The office's palette (static/css/app.css).
  var PALETTE = {
    accent: "#0f766e",
    info: "#1d4ed8",
    warn: "#c2780a",
    danger: "#b42318",
    ok: "#15803d",
    muted: "#94a3b8",
    violet: "#7c3aed",
  };
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", ' +
    '"WenQuanYi Zen Hei", system-ui, sans-serif';

  function colour(name) {
    return PALETTE[name] || name || PALETTE.accent;
  }

  // "1234567.50" → "¥1,234,567.50": thousands separators on the string itself.
  function yuan(text) {
    var parts = String(text).split(".");
    var sign = parts[0].charAt(0) === "-" ? "-" : "";
    var whole = parts[0].replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + "¥" + whole + (parts.length > 1 ? "." + parts[1] : "");
  }

  // Axis ticks in the office's units: 1.2亿, 350万, else the number.
  function shortYuan(value) {
    var size = Math.abs(value);
    if (size >= 1e8) {
      return "¥" + (value / 1e8).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + "亿";
    }
    if (size >= 1e4) {
      return "¥" + (value / 1e4).toLocaleString("zh-CN", { maximumFractionDigits: 1 }) + "万";
    }
    return "¥" + value.toLocaleString("zh-CN");
  }

  function dataset(spec, chartSpec) {
    var single = chartSpec.colors && chartSpec.datasets.length === 1;
    var fill = single ? chartSpec.colors.map(colour) : colour(spec.color);
    var set = {
      label: spec.label,
      raw: spec.data,
      data: spec.data.map(Number),
      backgroundColor: fill,
      borderColor: fill,
      borderWidth: spec.type === "line" ? 3 : 0,
      borderRadius: spec.type === "line" ? 0 : 4,
      maxBarThickness: 48,
    };
    if (spec.type) {
      set.type = spec.type;
      set.tension = 0.25;
      set.pointRadius = 4;
      set.order = -1; // the line over the bars
    }
    if (chartSpec.type === "doughnut") {
      set.backgroundColor = (chartSpec.colors || []).map(colour);
      set.borderColor = "#fff";
      set.borderWidth = 2;
    }
    return set;
  }

  function tooltipLabel(chartSpec) {
    return function (item) {
      var raw = item.dataset.raw ? item.dataset.raw[item.dataIndex] : item.raw;
      var value = chartSpec.money ? yuan(raw) : String(raw);
      var name = chartSpec.type === "doughnut" ? item.label : item.dataset.label;
      return name + ": " + value;
    };
  }

  function scales(chartSpec) {
    if (chartSpec.type === "doughnut") {
      return {};
    }
    var value = {
      beginAtZero: true,
      stacked: chartSpec.stacked,
      ticks: { precision: 0 },
      grid: { color: "#e5e7eb" },
    };
    if (chartSpec.money) {
      value.ticks = { callback: shortYuan };
    }
    var category = { stacked: chartSpec.stacked, grid: { display: false }, ticks: { autoSkip: false } };
    return chartSpec.horizontal ? { x: value, y: category } : { x: category, y: value };
  }

  function config(chartSpec) {
    var legend = chartSpec.datasets.length > 1 || chartSpec.type === "doughnut";
    return {
      type: chartSpec.type === "doughnut" ? "doughnut" : "bar",
      data: {
        labels: chartSpec.labels,
        datasets: chartSpec.datasets.map(function (spec) {
          return dataset(spec, chartSpec);
        }),
      },
      options: {
        indexAxis: chartSpec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false, // tablets in the office are modest; numbers should simply be there
        scales: scales(chartSpec),
        plugins: {
          legend: { display: legend, position: "bottom", labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: tooltipLabel(chartSpec) } },
        },
      },
    };
  }

  function specs() {
    var source = document.getElementById("chart-data");
    return source ? JSON.parse(source.textContent) : {};
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      return; // the tables below every chart still carry the numbers
    }
    window.Chart.defaults.font.family = FONT;
    window.Chart.defaults.font.size = 13;
    window.Chart.defaults.color = "#1b2431";
    var all = specs();
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = all[canvas.dataset.chart];
      if (!spec || canvas.dataset.rendered === "1") {
        return;
      }
      new window.Chart(canvas, config(spec));
      canvas.dataset.rendered = "1";
    });
  }

  draw();
})();
