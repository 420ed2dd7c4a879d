// The browser half of a report: reads the embedded JSON and draws every chart (uPlot) and map (<canvas>). Plain
// ES2017 text, so it runs as an inline script in any current browser with no build step.

/** Script text inlined after uPlot; draws `ChartSpec`s and `MapSpec`s found in `#report-data`. */
export const REPORT_CLIENT_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var dpr = window.devicePixelRatio || 1;
  var FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  var AXIS_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  /** Hours since the day start as HH:MM; later days keep counting (24:00, 27:00) so ticks stay short. */
  function clock(h) {
    if (h == null || !isFinite(h)) return '–';
    var mins = Math.round(h * 60);
    return pad2(Math.floor(mins / 60)) + ':' + pad2(mins % 60);
  }
  function num(v, digits) {
    if (v == null || !isFinite(v)) return '–';
    return v.toLocaleString('en-US', { maximumFractionDigits: digits });
  }
  /** Tick text (unit in the axis label) and legend text (unit spelled out) for a value format. */
  function tick(fmt) {
    if (fmt === 'clock') return clock;
    if (fmt === 'integer') return function (v) { return num(v, 0); };
    return function (v) { return num(v, 2); };
  }
  function legendText(fmt) {
    switch (fmt) {
      case 'clock': return clock;
      case 'integer': return function (v) { return num(v, 0); };
      case 'percent': return function (v) { return v == null ? '–' : num(v, 1) + ' %'; };
      case 'minutes': return function (v) { return v == null ? '–' : num(v, 2) + ' min'; };
      default: return function (v) { return num(v, 2); };
    }
  }

  /** Dashed reference lines with labels, drawn over the plot after uPlot has drawn the series. */
  function markersPlugin(spec) {
    return {
      hooks: {
        draw: function (u) {
          var ctx = u.ctx;
          var b = u.bbox;
          ctx.save();
          // uPlot leaves its axis text alignment on the context: set ours explicitly.
          ctx.textAlign = 'left';
          ctx.font = (12 * dpr) + 'px system-ui, sans-serif';
          ctx.lineWidth = 1.5 * dpr;
          ctx.setLineDash([6 * dpr, 4 * dpr]);
          (spec.vMarkers || []).forEach(function (m, i) {
            var x = Math.round(u.valToPos(m.value, 'x', true));
            if (x < b.left - 1 || x > b.left + b.width + 1) return;
            ctx.strokeStyle = m.color;
            ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke();
            label(ctx, m.label, m.color, x, b.top + (8 + 18 * i) * dpr, b);
          });
          (spec.hMarkers || []).forEach(function (m) {
            var y = Math.round(u.valToPos(m.value, 'y', true));
            if (y < b.top - 1 || y > b.top + b.height + 1) return;
            ctx.strokeStyle = m.color;
            ctx.beginPath(); ctx.moveTo(b.left, y); ctx.lineTo(b.left + b.width, y); ctx.stroke();
            label(ctx, m.label, m.color, b.left + 6 * dpr, y - 14 * dpr, b);
          });
          ctx.restore();
        },
      },
    };
  }
  /** A label on a white box, kept inside the plot area. */
  function label(ctx, text, color, x, y, b) {
    var w = ctx.measureText(text).width + 8 * dpr;
    var h = 16 * dpr;
    var left = x + 4 * dpr;
    if (left + w > b.left + b.width) left = x - 4 * dpr - w;
    ctx.setLineDash([]);
    ctx.fillStyle = 'rgba(255,255,255,0.9)';
    ctx.fillRect(left, y, w, h);
    ctx.fillStyle = color;
    ctx.textBaseline = 'middle';
    ctx.fillText(text, left + 4 * dpr, y + h / 2);
    ctx.setLineDash([6 * dpr, 4 * dpr]);
  }

  function pathsFor(style) {
    if (style === 'bars') return uPlot.paths.bars({ size: [0.86, Infinity], align: 0 });
    if (style === 'step') return uPlot.paths.stepped({ align: 1 });
    return undefined;
  }

  function axes(spec) {
    var grid = { stroke: '#eceff3', width: 1 };
    var ticks = { stroke: '#c9ced6', width: 1, size: 4 };
    var x = { label: spec.xLabel, labelFont: AXIS_FONT, font: FONT, stroke: '#52606d', grid: grid, ticks: ticks, labelSize: 22,
      values: function (u, splits) { return splits.map(tick(spec.xFormat)); } };
    if (spec.xFormat === 'clock') x.incrs = [0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48];
    if (spec.xFormat === 'integer') x.incrs = INTEGER_INCRS;
    var y = { label: spec.yLabel, labelFont: AXIS_FONT, font: FONT, stroke: '#52606d', grid: grid, ticks: ticks, size: 56, labelSize: 24,
      values: function (u, splits) { return splits.map(tick(spec.yFormat)); } };
    if (spec.yFormat === 'integer') y.incrs = INTEGER_INCRS;
    return [x, y];
  }
  /** Tick steps for counts: whole numbers only (uPlot's default steps include 2.5). */
  var INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000];

  function scales(spec) {
    var yr = spec.yRange || [0, null];
    return {
      x: { time: false, range: spec.xRange ? function () { return spec.xRange; } : undefined },
      y: {
        range: function (u, min, max) {
          var lo = yr[0] != null ? yr[0] : (min == null ? 0 : Math.min(0, min));
          var hi = yr[1] != null ? yr[1] : (max == null || max <= lo ? lo + 1 : max + (max - lo) * 0.08);
          return [lo, hi];
        },
      },
    };
  }

  function xyChart(spec) {
    var series = [{ label: spec.xLabel, value: function (u, v) { return legendText(spec.xFormat)(v); } }];
    var rows = [spec.x];
    var fmt = legendText(spec.yFormat);
    spec.series.forEach(function (s) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: s.style === 'bars' ? 1 : (s.width || 2),
        fill: s.style === 'bars' ? s.color : undefined,
        dash: s.dash ? [6, 4] : undefined,
        paths: pathsFor(s.style),
        points: { show: !!s.points, size: 5, fill: s.color },
        value: function (u, v) { return fmt(v); },
      });
      rows.push(s.values);
    });
    return { series: series, rows: rows };
  }

  /** Cumulative layers drawn top first so each lower (opaque) fill paints over the one above; legend shows raw values. */
  function stackedChart(spec) {
    var n = spec.x.length;
    var cum = [];
    var running = new Array(n).fill(0);
    spec.series.forEach(function (s) {
      running = running.map(function (v, i) { return v + (s.values[i] || 0); });
      cum.push(running.slice());
    });
    var fmt = legendText(spec.yFormat);
    var series = [{ label: spec.xLabel, value: function (u, v) { return legendText(spec.xFormat)(v); } }];
    var rows = [spec.x];
    for (var k = spec.series.length - 1; k >= 0; k--) {
      (function (k) {
        var s = spec.series[k];
        series.push({
          label: s.label, stroke: s.color, fill: s.color, width: 1, points: { show: false },
          value: function (u, v, si, di) { return di == null ? '–' : fmt(s.values[di]); },
        });
        rows.push(cum[k]);
      })(k);
    }
    return { series: series, rows: rows };
  }

  var charts = [];
  function renderChart(spec) {
    var box = document.getElementById(spec.id);
    if (!box) throw new Error('report: no container for chart ' + spec.id);
    var width = Math.max(280, box.clientWidth);
    var built = spec.kind === 'stacked' ? stackedChart(spec) : xyChart(spec);
    var opts = {
      width: width,
      height: spec.height || 280,
      scales: scales(spec),
      axes: axes(spec),
      series: built.series,
      legend: { live: true },
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      plugins: [markersPlugin(spec)],
    };
    var plot = new uPlot(opts, built.rows, box);
    charts.push({ plot: plot, box: box });
  }

  function decodeUint16(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var view = new DataView(bytes.buffer);
    var out = new Uint16Array(bytes.length / 2);
    for (var j = 0; j < out.length; j++) out[j] = view.getUint16(2 * j, true);
    return out;
  }

  /** A round scale-bar length (1, 2 or 5 × 10^k metres) close to the target. */
  function niceMetres(target) {
    var p = Math.pow(10, Math.floor(Math.log10(target)));
    var f = target / p;
    return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
  }

  var maps = [];
  function renderMap(spec) {
    var box = document.getElementById(spec.id);
    if (!box) throw new Error('report: no container for map ' + spec.id);
    var canvas = document.createElement('canvas');
    canvas.setAttribute('data-background', spec.background);
    box.appendChild(canvas);
    var legend = document.createElement('div');
    legend.className = 'legend-row';
    spec.layers.forEach(function (l) {
      var item = document.createElement('span');
      var sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = l.color;
      item.appendChild(sw);
      item.appendChild(document.createTextNode(l.label + ': ' + num(l.count, 0) + ' at ' + num(l.shown, 0) + ' nodes'));
      legend.appendChild(item);
    });
    var roadsItem = document.createElement('span');
    roadsItem.appendChild(document.createTextNode('Dot area ∝ events at the road node. Grey: road network (' + num(spec.roadSegments, 0) + ' streets, simplified); north up.'));
    legend.appendChild(roadsItem);
    box.appendChild(legend);
    var roadCounts = decodeUint16(spec.roadCounts);
    var roadPts = decodeUint16(spec.roadPoints);
    var layers = spec.layers.map(function (l) { return { pts: decodeUint16(l.points), counts: decodeUint16(l.counts) }; });
    function draw() {
      var w = Math.max(280, box.clientWidth);
      var h = spec.height;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = w + 'px';
      canvas.style.height = h + 'px';
      var ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = spec.background;
      ctx.fillRect(0, 0, w, h);
      var pad = 18;
      var k = Math.min((w - 2 * pad) / Math.max(1, spec.widthUnits), (h - 2 * pad) / Math.max(1, spec.heightUnits));
      var ox = (w - spec.widthUnits * k) / 2;
      var oy = (h + spec.heightUnits * k) / 2;
      function px(x) { return ox + x * k; }
      function py(y) { return oy - y * k; }
      ctx.strokeStyle = '#b4b8bd';
      ctx.lineWidth = 0.6;
      ctx.beginPath();
      var p = 0;
      for (var i = 0; i < roadCounts.length; i++) {
        var c = roadCounts[i];
        ctx.moveTo(px(roadPts[2 * p]), py(roadPts[2 * p + 1]));
        for (var j = 1; j < c; j++) ctx.lineTo(px(roadPts[2 * (p + j)]), py(roadPts[2 * (p + j) + 1]));
        p += c;
      }
      ctx.stroke();
      spec.layers.forEach(function (l, li) {
        var pts = layers[li].pts;
        var counts = layers[li].counts;
        ctx.globalAlpha = l.alpha;
        ctx.fillStyle = l.color;
        for (var q = 0; q < counts.length; q++) {
          var r = Math.max(l.minRadiusPx, l.maxRadiusPx * Math.sqrt(counts[q] / Math.max(1, l.maxCount)));
          ctx.beginPath();
          ctx.arc(px(pts[2 * q]), py(pts[2 * q + 1]), r, 0, 2 * Math.PI);
          ctx.fill();
        }
      });
      ctx.globalAlpha = 1;
      // Scale bar, bottom left.
      var metresPerPx = spec.metresPerUnit / k;
      var m = niceMetres(metresPerPx * w / 6);
      var len = m / metresPerPx;
      var x0 = 16, y0 = h - 16;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(x0 - 6, y0 - 22, len + 12, 28);
      ctx.strokeStyle = '#333';
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x0, y0 - 4); ctx.lineTo(x0, y0); ctx.lineTo(x0 + len, y0); ctx.lineTo(x0 + len, y0 - 4); ctx.stroke();
      ctx.fillStyle = '#333';
      ctx.font = FONT;
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(m >= 1000 ? num(m / 1000, 1) + ' km' : num(m, 0) + ' m', x0, y0 - 8);
    }
    draw();
    maps.push(draw);
  }

  (data.charts || []).forEach(function (spec) {
    try { renderChart(spec); } catch (e) { console.error('report: chart ' + spec.id + ' failed: ' + (e && e.stack || e)); }
  });
  (data.maps || []).forEach(function (spec) {
    try { renderMap(spec); } catch (e) { console.error('report: map ' + spec.id + ' failed: ' + (e && e.stack || e)); }
  });
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) { c.plot.setSize({ width: Math.max(280, c.box.clientWidth), height: c.plot.height }); });
      maps.forEach(function (draw) { draw(); });
    }, 150);
  });
})();
`;
