// zonekit's page behaviour: parks open on click whatever is on top, search zooms there, the legend
// follows the layers that are on and folds away on small screens, a measuring tool in 米/公顷/亩.
(function () {
  var map = {{ map }};
  var parks = {{ parks }};
  var L10N = {{ l10n }};
  function parkAt(latlng) {  // the smallest park containing the point (a theme park inside its parent)
    var best = null, bestArea = Infinity;
    parks.eachLayer(function (layer) {
      if (!layer.getBounds || !layer.getBounds().contains(latlng)) { return; }
      if (!inside(latlng, layer.getLatLngs())) { return; }
      var b = layer.getBounds(), area = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
      if (area < bestArea) { best = layer; bestArea = area; }
    });
    return best;
  }
  function inside(p, rings) {  // even-odd rule over every ring of a (multi)polygon
    var hit = false;
    (function walk(r) {
      if (r.length && r[0] instanceof L.LatLng) {
        for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
          var a = r[i], b = r[j];
          if ((a.lat > p.lat) !== (b.lat > p.lat) &&
              p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng) { hit = !hit; }
        }
      } else { r.forEach(walk); }
    })(rings);
    return hit;
  }
  function openPark(park, latlng) {  // folium binds the panels on the parks' layer: open it for this park
    var open = map._popup;
    if (open && open.isOpen && open.isOpen() && open._source === park) { return; }
    park.fire('click', {latlng: latlng, layerPoint: map.latLngToLayerPoint(latlng),
                        containerPoint: map.latLngToContainerPoint(latlng)}, true);
  }
  map.on('click', function (e) {  // what the parks did not catch themselves (overlays above them)
    if (measuring) { return; }
    var park = parkAt(e.latlng);
    if (park) { openPark(park, e.latlng); }
  });
  // land use at park scale: from zoom 15 the parcels of the parks in view are drawn from the page's pack
  // (in place of the image a large study's land use is at lower zoom), and with land use on, a park's
  // panel names the parcel under the click: number, class and code, area in 公顷 and 亩
  var LAND = {{ landuse }}, PACK = {{ parcels }}, PARCEL_ZOOM = 15;
  var decoded = {}, drawn = {}, parcelLayer = null, landImage = null;
  if (LAND) { LAND.eachLayer(function (l) { if (l instanceof L.ImageOverlay) { landImage = l; } }); }
  var ringAt = null, pointAt = null, startX = null, startY = null;
  function index() {  // once: where each parcel's rings and each ring's points begin, and its first point
    var nr = PACK.cn.length, np = PACK.rn.length, k = 0, x = 0, y = 0;
    ringAt = new Int32Array(np + 1); pointAt = new Int32Array(nr + 1);
    startX = new Float64Array(nr); startY = new Float64Array(nr);
    for (var i = 0; i < np; i++) { ringAt[i + 1] = ringAt[i] + PACK.rn[i]; }
    for (var r = 0; r < nr; r++) {
      pointAt[r + 1] = pointAt[r] + PACK.cn[r];
      k = pointAt[r];
      x += PACK.xy[2 * k]; y += PACK.xy[2 * k + 1];
      startX[r] = x; startY[r] = y;
    }
  }
  function parcelsOf(n) {  // park n's parcels: rings of LatLngs (delta-coded, 1e-6°) and their boxes
    if (decoded[n]) { return decoded[n]; }
    if (!ringAt) { index(); }
    var out = [];
    for (var i = PACK.ps[n]; i < PACK.ps[n + 1]; i++) {
      var rings = [], box = null;
      for (var r = ringAt[i]; r < ringAt[i + 1]; r++) {
        var x = startX[r], y = startY[r], ring = [L.latLng(PACK.o[1] + y / PACK.s, PACK.o[0] + x / PACK.s)];
        for (var c = pointAt[r] + 1; c < pointAt[r + 1]; c++) {
          x += PACK.xy[2 * c]; y += PACK.xy[2 * c + 1];
          ring.push(L.latLng(PACK.o[1] + y / PACK.s, PACK.o[0] + x / PACK.s));
        }
        rings.push(ring);
        box = box ? box.extend(L.latLngBounds(ring)) : L.latLngBounds(ring);
      }
      out.push({i: i, rings: rings, box: box});
    }
    decoded[n] = out;
    return out;
  }
  function parkNumber(layer) {
    var p = layer && layer.feature && layer.feature.properties;
    return p && typeof p.n === 'number' && PACK && p.n + 1 < PACK.ps.length ? p.n : null;
  }
  function drawParcels() {
    if (!PACK || !LAND || !landImage) { return; }  // a small study's land use is vector already
    var on = map.hasLayer(LAND) && map.getZoom() >= PARCEL_ZOOM;
    landImage.setOpacity(on ? 0 : 0.65);
    if (!on) { if (parcelLayer) { parcelLayer.clearLayers(); drawn = {}; } return; }
    if (!parcelLayer) {
      map.createPane('zonekitParcels').style.zIndex = 405;  // over the parks' fills, as the image is; not clickable
      map.getPane('zonekitParcels').style.pointerEvents = 'none';
      parcelLayer = L.layerGroup().addTo(map);
      parcelLayer.renderer = L.canvas({pane: 'zonekitParcels'});
    }
    var view = map.getBounds().pad(0.2);
    parks.eachLayer(function (park) {
      var n = parkNumber(park);
      if (n === null || drawn['p' + n] || !park.getBounds().intersects(view)) { return; }
      drawn['p' + n] = true;
      parcelsOf(n).forEach(function (p) {
        var id = 'i' + PACK.id[p.i];
        if (drawn[id]) { return; }  // a parcel in a theme park and its parent: drawn once
        drawn[id] = true;
        var colour = PACK.colours[PACK.cls[p.i]];
        L.polygon(p.rings, {renderer: parcelLayer.renderer, pane: 'zonekitParcels', interactive: false,
                            color: colour, weight: 0.5, fillColor: colour, fillOpacity: 0.6}).addTo(parcelLayer);
      });
    });
  }
  map.on('zoomend moveend overlayadd overlayremove', drawParcels);
  function parcelAt(latlng, n) {
    var hit = null;
    parcelsOf(n).forEach(function (p) {
      if (hit === null && p.box.contains(latlng) && inside(latlng, p.rings)) { hit = p.i; }
    });
    return hit;
  }
  map.on('popupopen', function (e) {
    var content = e.popup.getElement() && e.popup.getElement().querySelector('.leaflet-popup-content');
    if (!content) { return; }
    content.querySelectorAll('.zonekit-parcel').forEach(function (old) { old.remove(); });  // a reused panel
    var n = parkNumber(e.popup._source);
    if (n === null || !LAND || !map.hasLayer(LAND)) { return; }
    var i = parcelAt(e.popup.getLatLng(), n);
    if (i === null) { return; }
    var box = document.createElement('div'), head = document.createElement('b');
    box.className = 'zonekit-parcel';
    box.style.cssText = 'border-top:1px solid #ccc;margin-top:6px;padding-top:4px;font-size:12px;line-height:1.5';
    head.textContent = L10N.parcel_here;  // every value below as text, never as HTML
    box.appendChild(head);
    var m2 = PACK.m2[i], code = PACK.code[i];
    [[L10N.parcel_no, PACK.id[i]],
     [L10N.landuse, PACK.labels[PACK.cls[i]] + (code ? ' (' + code + ')' : '')],
     [L10N.area, (m2 / 1e4).toFixed(2) + ' ' + L10N.ha + ' / ' + (m2 * 15 / 1e4).toFixed(1) + ' ' + L10N.mu]
    ].forEach(function (row) {
      var d = document.createElement('div');
      d.textContent = row[0] + ': ' + row[1];
      box.appendChild(d);
    });
    content.appendChild(box);
    if (e.popup._adjustPan) {  // the panel grew: size, place and pan it again so that it stays in view
      e.popup._updateLayout(); e.popup._updatePosition(); e.popup._adjustPan();
    }
  });
  // search: zoom to the park and open its panel
  map.whenReady(function () {
    map.eachLayer(function () {});
    var search = {{ search }};
    if (search) {
      // Enter takes the suggestion chosen with the arrow keys; else the park the text names: its name or
      // code exactly, else a name that starts with it, else the first whose name, zone or code holds it.
      // The suggestions on screen may be older than the last keystroke, so they are not what Enter goes by.
      var input = search.getContainer().querySelector('input.search-input');
      var typing = null;
      search.options.autoType = false; search._autoTypeTmp = false;  // no completion typed over the user's text
      input.addEventListener('input', function () {  // Chinese comes through an IME: no key-up to go by
        clearTimeout(typing);
        typing = setTimeout(function () { if (input.value && search._fillRecordsCache) { search._fillRecordsCache(); } }, 250);
      });
      function named(text) {
        var best = null, rank = 4;
        parks.eachLayer(function (layer) {
          var p = layer.feature.properties || {};
          var name = String(p.name || '').toLowerCase(), code = String(p.park_id || '').toLowerCase();
          var r = (name === text || code === text) ? 0 : name.indexOf(text) === 0 ? 1 :
                  String(p.search || '').toLowerCase().indexOf(text) >= 0 ? 2 : 4;
          if (r < rank) { best = layer; rank = r; }
        });
        return best;
      }
      input.addEventListener('keydown', function (ev) {
        if (ev.key !== 'Enter' || ev.isComposing) { return; }
        ev.preventDefault(); ev.stopImmediatePropagation();
        clearTimeout(typing);
        var chosen = search.getContainer().querySelector('.search-tip-select');
        if (chosen) { chosen.click(); return; }
        var text = input.value.trim().toLowerCase();
        var found = text ? named(text) : null;
        search._hideTooltip();
        if (found) { search.fire('search:locationfound', {layer: found, latlng: found.getBounds().getCenter(), text: input.value}); }
        else if (text) { search.showAlert(L10N.not_found); }  // a fixed label (the plugin writes it as HTML), never the text
      }, true);
      input.addEventListener('keyup', function (ev) {  // Enter was handled on key-down
        if (ev.key === 'Enter') { ev.preventDefault(); ev.stopImmediatePropagation(); }
      }, true);
      search.on('search:locationfound', function (e) {
        if (e.layer && e.layer.getBounds) {
          var target = e.layer;
          map.stop();  // the plugin's own flight, if any
          map.fitBounds(target.getBounds(), {maxZoom: 16, padding: [40, 40], animate: false});
          setTimeout(function () { openPark(target, target.getBounds().getCenter()); }, 50);
        }
      });
    }
  });
  // the legend: sections of layers that are off are hidden; folded by default under 1400 px
  if (location.hash === '#figure') { document.body.classList.add('zonekit-figure'); }  // a report's figure
  var legend = document.getElementById('zonekit-legend');
  if (legend) {
    var box = legend.querySelector('details');
    if (box && window.innerWidth < 1400 && location.hash !== '#figure') { box.removeAttribute('open'); }
    window.addEventListener('beforeprint', function () { if (box) { box.setAttribute('open', ''); } });
    function sync(name, on) {
      legend.querySelectorAll('[data-layer]').forEach(function (s) {
        if (s.getAttribute('data-layer') === name) { s.style.display = on ? '' : 'none'; }
      });
    }
    map.on('overlayadd', function (e) { sync(e.name, true); });
    map.on('overlayremove', function (e) { sync(e.name, false); });
    {{ hidden }}.forEach(function (name) { sync(name, false); });
  }
  // labels: parks from zoom 12 (counties below it); a label overlapping one already shown is hidden
  function placeLabels() {
    var z = map.getZoom(), kept = [];
    var spans = Array.prototype.slice.call(document.querySelectorAll('.zonekit-label span'));
    spans.sort(function (a, b) {
      var pa = a.parentNode.classList.contains('zonekit-label-park') ? 0 : 1;
      var pb = b.parentNode.classList.contains('zonekit-label-park') ? 0 : 1;
      return pa - pb || (+a.getAttribute('data-rank')) - (+b.getAttribute('data-rank'));
    });
    spans.forEach(function (s) {
      var park = s.parentNode.classList.contains('zonekit-label-park');
      var show = park ? z >= 12 : z <= 11;
      s.style.visibility = 'hidden';
      if (!show) { return; }
      var r = s.getBoundingClientRect();
      var clash = kept.some(function (k) { return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
      if (!clash) { s.style.visibility = 'visible'; kept.push(r); }
    });
  }
  map.on('zoomend moveend', placeLabels);
  map.whenReady(function () { setTimeout(placeLabels, 0); });
  // measuring: click points, double-click to finish; distance along the line, area of the polygon
  var measuring = false, points = [], line = null, tip = null;
  var R = 6378137;
  function ringArea(ll) {  // spherical excess on the CGCS2000 semi-major axis, m²
    var s = 0;
    for (var i = 0; i < ll.length; i++) {
      var a = ll[i], b = ll[(i + 1) % ll.length];
      s += (b.lng - a.lng) * Math.PI / 180 * (2 + Math.sin(a.lat * Math.PI / 180) + Math.sin(b.lat * Math.PI / 180));
    }
    return Math.abs(s * R * R / 2);
  }
  function say() {
    var d = 0;
    for (var i = 1; i < points.length; i++) { d += map.distance(points[i - 1], points[i]); }
    var text = L10N.distance + ' ' + (d < 1000 ? d.toFixed(0) + ' ' + L10N.m : (d / 1000).toFixed(2) + ' ' + L10N.km);
    if (points.length > 2) {
      var a = ringArea(points);
      text += '<br>' + L10N.area + ' ' + (a / 10000).toFixed(2) + ' ' + L10N.ha + ' · ' + (a / 666.6667).toFixed(1) + ' ' + L10N.mu;
    }
    return text;
  }
  function clear() {
    points = []; if (line) { map.removeLayer(line); line = null; } if (tip) { map.removeLayer(tip); tip = null; }
  }
  var Measure = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var b = L.DomUtil.create('a', 'leaflet-bar zonekit-measure');
      b.href = '#'; b.title = L10N.measure; b.setAttribute('role', 'button'); b.setAttribute('aria-label', L10N.measure);
      b.innerHTML = '<svg width="18" height="18" viewBox="0 0 18 18" style="vertical-align:middle"><path d="M2 12 L12 2 L16 6 L6 16 Z" fill="none" stroke="#333" stroke-width="1.5"/><path d="M5 9 l2 2 M7 7 l1.5 1.5 M9 5 l2 2 M11 3 l1.5 1.5" stroke="#333" stroke-width="1.2"/></svg>';
      L.DomEvent.on(b, 'click', function (ev) {
        L.DomEvent.stop(ev);
        measuring = !measuring; clear();
        b.classList.toggle('zonekit-on', measuring);
        map.getContainer().style.cursor = measuring ? 'crosshair' : '';
        if (measuring) { map.doubleClickZoom.disable(); } else { map.doubleClickZoom.enable(); }
      });
      return b;
    }
  });
  new Measure().addTo(map);
  map.on('click', function (e) {
    if (!measuring) { return; }
    map.closePopup();
    points.push(e.latlng);
    if (!line) { line = L.polyline(points, {color: '#000', weight: 2, dashArray: '4 4', interactive: false}).addTo(map); }
    line.setLatLngs(points.length > 2 ? points.concat([points[0]]) : points);
    if (!tip) { tip = L.tooltip({permanent: true, direction: 'right'}).setLatLng(e.latlng).addTo(map); }
    tip.setLatLng(e.latlng).setContent(say());
  });
  map.on('dblclick', function () { if (measuring) { measuring = false; map.getContainer().style.cursor = ''; map.doubleClickZoom.enable(); document.querySelector('.zonekit-measure').classList.remove('zonekit-on'); } });
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') { clear(); } });
})();
