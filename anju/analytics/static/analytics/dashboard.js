// Draws the statistics charts with ECharts (served locally) from the JSON block
// #chart-data the page renders; a click on a bar, point or cell opens the complaints
// behind it. Without this file (or without scripts) every chart's data stays readable in
// the table under it. No inline script: the console's CSP allows only files from 'self'.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var charts = [];

  function open(link) { if (link) { window.location.href = link; } }

  var BAR_ROW = 22;  // px per bar of a horizontal chart, so that no two labels overlap

  function bars(el, items, horizontal) {
    if (horizontal) { el.style.height = Math.max(280, items.length * BAR_ROW + 40) + "px"; }
    var names = items.map(function (b) { return b.label; });
    var values = items.map(function (b) { return {value: b.count, link: b.link}; });
    var category = {type: "category", data: names, axisLabel: {interval: 0, overflow: "truncate", width: 110}};
    var value = {type: "value", minInterval: 1};
    return {
      tooltip: {trigger: "axis"},
      grid: {left: horizontal ? 120 : 40, right: 16, top: 16, bottom: horizontal ? 24 : 60},
      xAxis: horizontal ? value : Object.assign({}, category, {axisLabel: {rotate: 30}}),
      yAxis: horizontal ? Object.assign({}, category, {inverse: true}) : value,
      series: [{type: "bar", name: labels.count, data: values, itemStyle: {color: "#1f5f8b"}}]
    };
  }

  function line(items) {
    return {
      tooltip: {trigger: "axis"},
      grid: {left: 40, right: 16, top: 16, bottom: 40},
      xAxis: {type: "category", data: items.map(function (b) { return b.label; })},
      yAxis: {type: "value", minInterval: 1},
      series: [{type: items.length > 40 ? "line" : "bar", name: labels.count,
                data: items.map(function (b) { return {value: b.count, link: b.link}; }),
                itemStyle: {color: "#1f5f8b"}}]
    };
  }

  function pareto(items) {
    return {
      tooltip: {trigger: "axis"},
      grid: {left: 40, right: 48, top: 24, bottom: 70},
      xAxis: {type: "category", data: items.map(function (r) { return r.label; }), axisLabel: {rotate: 30, interval: 0}},
      yAxis: [{type: "value", minInterval: 1},
              {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}}],
      series: [
        {type: "bar", name: labels.count, itemStyle: {color: "#1f5f8b"},
         data: items.map(function (r) { return {value: r.count, link: r.link}; })},
        {type: "line", name: labels.cumulative, yAxisIndex: 1, itemStyle: {color: "#c25e00"},
         data: items.map(function (r) { return {value: Math.round(r.cumulative * 1000) / 10, link: r.link}; })}
      ]
    };
  }

  function heatmap(h) {
    var max = 1;
    h.cells.forEach(function (c) { if (c[2] > max) { max = c[2]; } });
    return {
      tooltip: {position: "top"},
      grid: {left: 130, right: 16, top: 16, bottom: 90},
      xAxis: {type: "category", data: h.cols, axisLabel: {rotate: 40, interval: 0}, splitArea: {show: true}},
      yAxis: {type: "category", data: h.rows, splitArea: {show: true}},
      visualMap: {min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                  inRange: {color: ["#e6f0f7", "#1f5f8b"]}},
      series: [{type: "heatmap", label: {show: true},
                data: h.cells.map(function (c) { return {value: [c[1], c[0], c[2]], link: h.links[c[0]][c[1]]}; })}]
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.dataset.chart, option = null, empty = false;
    if (kind === "volume") { option = line(data.volume); empty = !data.volume.length; }
    else if (kind === "by") { var items = data.by[el.dataset.by] || []; option = bars(el, items, true); empty = !items.length; }
    else if (kind === "pareto") { var rows = data[el.dataset.source] || []; option = pareto(rows); empty = !rows.length; }
    else if (kind === "bars") { var list = data[el.dataset.source] || []; option = bars(el, list, true); empty = !list.length; }
    else if (kind === "heatmap") { option = heatmap(data.heatmap); empty = !data.heatmap.cells.length; }
    if (!option) { return; }
    if (empty) { el.textContent = labels.empty || ""; el.classList.add("muted"); el.style.height = "auto"; return; }
    el.classList.add("is-drawn");  // shown before it is measured
    var chart = window.echarts.init(el, null, {renderer: "canvas"});
    chart.setOption(option);
    chart.on("click", function (params) { open(params.data && params.data.link); });
    charts.push(chart);
  });
  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  if (window.ResizeObserver) {  // a box changing width (layout, rotation, sidebar), not only the window
    var observer = new ResizeObserver(resizeAll);
    charts.forEach(function (c) { observer.observe(c.getDom()); });
  } else {
    window.addEventListener("resize", resizeAll);
  }
})();
