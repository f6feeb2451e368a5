import { DIRECTION_COLOURS, OFF_ROAD_COLOUR } from '../colours.js';

/**
 * The report's only script, inlined into the page: draws each view's rendering on a canvas with
 * the road, corridor, queues and detections on top, with pan (drag), zoom (wheel, buttons) and a
 * click to identify a detection. Plain browser JavaScript, so the page needs no library and no
 * network; kept as text because the package's TypeScript targets Node, not the DOM.
 *
 * Each view's data (see report.ts) is JSON in <script type="application/json" id="satcount-data">:
 * detections as a flat integer array, nine numbers per box: [id, x1, y1, x2, y2, direction, class,
 * score‰, chainage m or -1], the box in full-resolution image pixels, direction 0 off road,
 * 1 forward, 2 backward.
 *
 * When every view has drawn once, <html data-ready="1"> is set and each canvas carries
 * data-drawn (boxes drawn in its last frame), for tests and scripted screenshots.
 *
 * Boxes and queues take the colours of the PNG overlay and profile (report/colours.ts), by direction code.
 */
export const VIEWER_JS = String.raw`(function () {
  'use strict';
  var COLOURS = ${JSON.stringify([OFF_ROAD_COLOUR, DIRECTION_COLOURS.forward, DIRECTION_COLOURS.backward])};
  var DIRECTIONS = ['off road', 'forward', 'backward'];
  var data = JSON.parse(document.getElementById('satcount-data').textContent);
  var pending = 0;

  function ready() {
    pending -= 1;
    if (pending === 0) document.documentElement.setAttribute('data-ready', '1');
  }

  function setup(el, v) {
    var canvas = el.querySelector('canvas');
    var info = el.querySelector('.pick');
    var img = el.querySelector('img.raster');
    var ctx = canvas.getContext('2d');
    var W = v.width, H = v.height;
    var layers = { detections: true, road: true, corridor: true, queues: true };
    var zoom = 1, ox = 0, oy = 0, fitted = false;

    function size() {
      var r = canvas.getBoundingClientRect();
      var dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(r.width * dpr));
      canvas.height = Math.max(1, Math.round(r.height * dpr));
      return { w: r.width, h: r.height, dpr: dpr };
    }
    function fit() {
      // A wide strip of road gets a short viewer rather than a dark frame around it.
      var box = el.querySelector('.viewer');
      box.style.height = Math.round(Math.max(260, Math.min(window.innerHeight * 0.7, box.clientWidth * H / W))) + 'px';
      var s = size();
      zoom = Math.min(s.w / W, s.h / H);
      ox = (W - s.w / zoom) / 2;
      oy = (H - s.h / zoom) / 2;
      fitted = true;
      draw();
    }
    function path(lines) {
      ctx.beginPath();
      for (var i = 0; i < lines.length; i++) {
        var l = lines[i];
        ctx.moveTo(l[0], l[1]);
        for (var j = 2; j < l.length; j += 2) ctx.lineTo(l[j], l[j + 1]);
      }
    }
    function draw() {
      var s = size();
      var k = s.dpr * zoom;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = '#20242a';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(k, 0, 0, k, -ox * k, -oy * k);
      ctx.imageSmoothingEnabled = zoom < v.scale * 2;
      if (img.complete && img.naturalWidth > 0) ctx.drawImage(img, 0, 0, W, H);
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      var road = v.road;
      if (road && layers.corridor) {
        path(road.lines);
        ctx.strokeStyle = 'rgba(255,255,255,0.18)';
        ctx.lineWidth = 2 * road.corridor_px;
        ctx.stroke();
      }
      if (road && layers.queues) {
        for (var q = 0; q < road.queues.length; q++) {
          path(road.queues[q].lines);
          ctx.strokeStyle = COLOURS[road.queues[q].direction];
          ctx.globalAlpha = 0.35;
          ctx.lineWidth = Math.max(6 / zoom, 0.6 * road.corridor_px);
          ctx.stroke();
          ctx.globalAlpha = 1;
        }
      }
      if (road && layers.road) {
        path(road.lines);
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 1.5 / zoom;
        ctx.setLineDash([6 / zoom, 4 / zoom]);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      var drawn = 0;
      if (layers.detections) {
        var d = v.detections;
        // Boxes smaller than 3 screen pixels are drawn at 3, so a whole scene still shows every vehicle.
        var min = 3 / zoom;
        var x0 = ox, y0 = oy, x1 = ox + s.w / zoom, y1 = oy + s.h / zoom;
        ctx.lineWidth = Math.max(1.5 / zoom, Math.min(2, 0.15 / zoom));
        for (var c = 0; c < 3; c++) {
          ctx.beginPath();
          for (var i = 0; i < d.length; i += 9) {
            if (d[i + 5] !== c || d[i + 3] < x0 || d[i + 1] > x1 || d[i + 4] < y0 || d[i + 2] > y1) continue;
            var w = Math.max(min, d[i + 3] - d[i + 1]), h = Math.max(min, d[i + 4] - d[i + 2]);
            ctx.rect((d[i + 1] + d[i + 3] - w) / 2, (d[i + 2] + d[i + 4] - h) / 2, w, h);
            drawn += 1;
          }
          ctx.strokeStyle = COLOURS[c];
          ctx.stroke();
        }
      }
      canvas.setAttribute('data-drawn', String(drawn));
      el.querySelector('.zoom').textContent = (zoom * 100 >= 10 ? Math.round(zoom * 100) : (zoom * 100).toFixed(1)) + ' %';
    }
    function zoomAt(factor, sx, sy) {
      var nz = Math.min(16, Math.max(0.2 * Math.min(canvas.clientWidth / W, canvas.clientHeight / H), zoom * factor));
      ox += sx / zoom - sx / nz;
      oy += sy / zoom - sy / nz;
      zoom = nz;
      draw();
    }
    function pick(sx, sy) {
      var wx = ox + sx / zoom, wy = oy + sy / zoom, best = -1, bestD = 10 / zoom;
      var d = v.detections;
      for (var i = 0; i < d.length; i += 9) {
        var dx = Math.max(d[i + 1] - wx, 0, wx - d[i + 3]), dy = Math.max(d[i + 2] - wy, 0, wy - d[i + 4]);
        var dist = Math.sqrt(dx * dx + dy * dy);
        if (dist <= bestD) { bestD = dist; best = i; }
      }
      if (best < 0) { info.textContent = 'click a box to identify it'; return; }
      info.textContent = 'detection ' + d[best] + ': ' + v.classes[d[best + 6]] + ', score ' + (d[best + 7] / 1000).toFixed(2) +
        ', ' + DIRECTIONS[d[best + 5]] + (d[best + 8] >= 0 ? ', chainage ' + d[best + 8] + ' m' : '') +
        ', pixel ' + Math.round((d[best + 1] + d[best + 3]) / 2) + ',' + Math.round((d[best + 2] + d[best + 4]) / 2);
    }

    var drag = null;
    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = canvas.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    canvas.addEventListener('pointerdown', function (e) {
      drag = { x: e.clientX, y: e.clientY, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      ox -= dx / zoom;
      oy -= dy / zoom;
      drag.x = e.clientX;
      drag.y = e.clientY;
      if (drag.moved) draw();
    });
    canvas.addEventListener('pointerup', function (e) {
      var r = canvas.getBoundingClientRect();
      if (drag && !drag.moved) pick(e.clientX - r.left, e.clientY - r.top);
      drag = null;
    });
    canvas.addEventListener('dblclick', function (e) {
      var r = canvas.getBoundingClientRect();
      zoomAt(2, e.clientX - r.left, e.clientY - r.top);
    });
    el.querySelector('.zoom-in').addEventListener('click', function () { zoomAt(1.6, canvas.clientWidth / 2, canvas.clientHeight / 2); });
    el.querySelector('.zoom-out').addEventListener('click', function () { zoomAt(1 / 1.6, canvas.clientWidth / 2, canvas.clientHeight / 2); });
    el.querySelector('.zoom-fit').addEventListener('click', fit);
    el.querySelectorAll('input[data-layer]').forEach(function (box) {
      box.addEventListener('change', function () { layers[box.getAttribute('data-layer')] = box.checked; draw(); });
    });
    window.addEventListener('resize', function () { if (fitted) draw(); });

    var first = function () { fit(); ready(); };
    if (img.complete) first();
    else {
      img.addEventListener('load', first);
      img.addEventListener('error', first);
    }
  }

  var views = document.querySelectorAll('section.view');
  // Counted before any view starts: a view whose image is already decoded finishes inside setup.
  pending = views.length;
  views.forEach(function (el) {
    setup(el, data.views[el.getAttribute('data-view')]);
  });
  if (views.length === 0) document.documentElement.setAttribute('data-ready', '1');
})();
`;
