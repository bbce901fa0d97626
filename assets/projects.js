// Key-projects pages: the grid's search runs in the browser, the project name links to its page,
// a click on a map marker opens the project, and charts export as SVG print copies (assets/economy.js).
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  projects: {
    quickFilter: function (text, options) {
      return Object.assign({}, options || {}, {quickFilterText: text || ""});
    },
    openFromMap: function (click) {
      const point = click && click.points && click.points[0];
      const code = point && typeof point.customdata === "string" ? point.customdata : null;
      if (code) {
        window.location.assign("/projects/" + encodeURIComponent(code));
      }
      return window.dash_clientside.no_update;
    },
    downloadSvg: function (clicks, graphId, config) {
      const holder = document.getElementById(JSON.stringify(graphId, Object.keys(graphId).sort()));
      const plot = holder && holder.querySelector(".js-plotly-plot");
      if (clicks && plot && window.cockpitExportChart) {
        const options = (config && config.toImageButtonOptions) || {};
        window.cockpitExportChart(plot, "svg", options.filename);
      }
      return window.dash_clientside.no_update;
    },
  },
});

// The grid's project name: a link to the project's page (dash-ag-grid's documented registry).
const projectsGridFunctions = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
projectsGridFunctions.ProjectLink = function (props) {
  const data = props.data || {};
  return React.createElement("a", {href: "/projects/" + encodeURIComponent(data.code || ""),
                                   className: "projects-grid-link"}, props.value);
};
