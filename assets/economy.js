// Economy page: SVG download of a chart (plotly's toolbar offers one image format, PNG here).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  economy: {
    downloadSvg: function (clicks, graphId, config) {
      const holder = document.getElementById(JSON.stringify(graphId, Object.keys(graphId).sort()));
      const plot = holder && holder.querySelector(".js-plotly-plot");
      if (clicks && plot && window.Plotly) {
        const options = (config && config.toImageButtonOptions) || {};
        window.Plotly.downloadImage(plot, {format: "svg", scale: 3, filename: options.filename || "chart"});
      }
      return window.dash_clientside.no_update;
    },
  },
});
