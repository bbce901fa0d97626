// The one map (pages/map.py): its state lives in the URL. The server sends the query of the
// layers and indicator shown; moving the map adds its centre and zoom. Both are written with
// history.replaceState, so the page does not reload and a copied link reproduces the view.
(function () {
  "use strict";

  // Writes the map view into the URL; nothing on another page (the map's last event may come after a
  // click has left it).
  function writeView(centre, zoom) {
    if (!window.location.pathname.endsWith("/map")) { return window.dash_clientside.no_update; }
    const query = new URLSearchParams(window.location.search);
    query.set("lon", Number(centre.lon).toFixed(5));
    query.set("lat", Number(centre.lat).toFixed(5));
    query.set("zoom", Number(zoom).toFixed(2));
    replaceQuery(query);
    return query.toString();
  }

  // The map's URL with `query`, in place (no reload); its layer lists keep readable commas.
  function replaceQuery(query) {
    const path = window.location.pathname + "?" + query.toString().replace(/%2C/g, ",");
    window.history.replaceState(window.history.state, "", path);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    onemap: {
      writeUrl: function (href) {
        if (!href || !window.location.pathname.endsWith("/map")) { return window.dash_clientside.no_update; }
        const next = new URL(href, window.location.origin);
        const now = new URLSearchParams(window.location.search);
        ["lon", "lat", "zoom"].forEach(function (key) {
          if (now.has(key)) { next.searchParams.set(key, now.get(key)); }
        });
        replaceQuery(next.searchParams);
        return href;
      },
      // A map opened without a view in its URL fits the region's bounds (layout.meta.fit) to the
      // graph's real size, once: the server cannot know whether it is a phone or an LED wall.
      fitOnce: function (figure) {
        const fit = figure && figure.layout && figure.layout.meta && figure.layout.meta.fit;
        if (!fit) { return window.dash_clientside.no_update; }
        const mercator = function (lat) { return Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)); };
        const apply = function (tries) {
          const gd = document.querySelector("#map-graph .js-plotly-plot");
          if (gd && gd.dataset.onemapFitted === String(fit)) { return; }
          const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
          // Before MapLibre has loaded, plotly.js would keep the new view in the layout but not show it.
          if (!(sub && sub.map && sub.map.loaded() && gd.clientWidth && gd.clientHeight)) {
            if (tries > 0) { setTimeout(function () { apply(tries - 1); }, 100); }
            return;
          }
          gd.dataset.onemapFitted = String(fit);
          const y0 = mercator(fit[1]), y1 = mercator(fit[3]);
          const zoom = Math.min(Math.log2(gd.clientWidth * 0.9 * 360 / (512 * Math.max(fit[2] - fit[0], 1e-6))),
                                Math.log2(gd.clientHeight * 0.9 * 2 * Math.PI / (512 * Math.max(y1 - y0, 1e-8))), 16);
          const lat = (2 * Math.atan(Math.exp((y0 + y1) / 2)) - Math.PI / 2) * 180 / Math.PI;
          const view = {"map.center": {lon: (fit[0] + fit[2]) / 2, lat: lat}, "map.zoom": Math.round(zoom * 100) / 100};
          // Written here, not left to keepView: Dash passes on only the last of relayout events that
          // come together, and the graph's own autosize often follows this one.
          Promise.resolve(window.Plotly.relayout(gd, view)).then(function () {
            writeView(view["map.center"], view["map.zoom"]);
          }, function () {
            // A relayout that meets a redraw in progress is refused: try again rather than stay unfitted.
            delete gd.dataset.onemapFitted;
            if (tries > 0) { setTimeout(function () { apply(tries - 1); }, 100); }
          });
        };
        apply(100);
        return String(fit);
      },
      keepView: function (relayout) {
        const centre = relayout && relayout["map.center"];
        const zoom = relayout && relayout["map.zoom"];
        if (!centre || zoom === undefined) { return window.dash_clientside.no_update; }
        return writeView(centre, zoom);
      },
    },
  });
})();
