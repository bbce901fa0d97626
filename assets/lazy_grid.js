// dash-ag-grid on demand (web/lazy_bundles.py): its 1.3 MB bundle is not on the page. Until it is
// needed, `window.dash_ag_grid` is this stand-in, whose AgGrid loads the bundle when the first grid
// is drawn and then draws the real grid with the same props. The stand-in stays the component Dash
// sees, so the grid is not drawn anew once the bundle has come; the bundle's other exports (getApi,
// …) are copied onto it.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="cockpit-grid-bundle"]');
  if (!meta || window.dash_ag_grid || !window.React) {
    return;
  }
  const React = window.React;
  const stand = {};
  let real = null;
  let loading = null;

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = meta.content;
        script.onload = function () {
          const bundle = window.dash_ag_grid;
          if (!bundle || bundle === stand || !bundle.AgGrid) {
            reject(new Error("dash_ag_grid did not load"));
            return;
          }
          Object.keys(bundle).forEach(function (key) {
            if (key !== "AgGrid") { stand[key] = bundle[key]; }
          });
          // Persistence defaults: on the component for React ≥ 18.3, as defaultProps before it.
          ["dashPersistence", "defaultProps"].forEach(function (key) {
            if (bundle.AgGrid[key] !== undefined) { AgGrid[key] = bundle.AgGrid[key]; }
          });
          real = bundle.AgGrid;
          window.dash_ag_grid = stand;
          resolve(true);
        };
        script.onerror = function () {
          loading = null;  // the next grid tries again
          reject(new Error("dash_ag_grid could not be fetched"));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function AgGrid(props) {
    const [ready, setReady] = React.useState(real !== null);
    const [failed, setFailed] = React.useState(false);
    React.useEffect(function () {
      if (ready) { return undefined; }
      let live = true;
      load().then(function () { if (live) { setReady(true); } },
                  function () { if (live) { setFailed(true); } });
      return function () { live = false; };
    }, [ready]);
    if (ready) {
      return React.createElement(real, props);
    }
    // Its box, so the page does not jump when the grid comes; a failed fetch says so there.
    return React.createElement("div", { id: props.id, className: props.className, style: props.style,
                                        "data-grid-loading": failed ? "failed" : "loading" },
                               failed ? "⚠" : null);
  }
  // The renderer passes `dashRenderType` only to components that declare it, as the real grid does.
  AgGrid.dashRenderType = true;
  // A callback on a grid's props waits for the bundle instead of finding no grid.
  Object.defineProperty(AgGrid, "_dashprivate_isLazyComponentReady", {
    get: function () { return real !== null ? true : load(); },
  });
  stand.AgGrid = AgGrid;
  window.dash_ag_grid = stand;
})();
