// Economy page: chart images for print. The toolbar's camera (PNG) and the panel's SVG button
// both export the chart with a title, region, period, unit and source line, on an opaque white
// background in print colours: plotly.js draws a copy of the figure with a layout override
// (Plotly.downloadImage of a figure object), offline, nothing leaves the browser.
(function () {
  const WORDS = {
    zh: {unit: "单位", source: "数据来源", exported: "导出时间", sep: "：", join: "；"},
    en: {unit: "Unit", source: "Source", exported: "Exported", sep: ": ", join: "; "},
  };
  const INK = "#1f2933";
  const TOOLBAR_PNG = ["Download plot as a PNG", "下载图表为PNG格式", "Download plot", "下载图表"];

  function text(selector, root) {
    const el = (root || document).querySelector(selector);
    return el ? (el.innerText || el.textContent || "").split("\n")[0].trim() : "";
  }

  function axisTitle(axis) {
    const title = axis && axis.title;
    return (title && (typeof title === "string" ? title : title.text)) || "";
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function stamp(now) {
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " +
      pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  // What the exported image says about itself, read from the page around the chart.
  function caption(plot) {
    const context = plot._context || {};
    const lang = String(context.locale || "zh").startsWith("zh") ? "zh" : "en";
    const words = WORDS[lang];
    const panel = plot.closest(".panel");
    const chart = panel ? text(".panel-title", panel) : "";
    const indicator = text("#economy-indicator");
    const region = text(".economy-title").split(" · ")[0];
    const period = text("#economy-period");
    const layout = plot.layout || {};
    const unit = axisTitle(layout.yaxis) || axisTitle(layout.xaxis);
    const brand = [text("#app-city-name"), text(".app-title")].filter(Boolean).join(lang === "zh" ? "" : " ");
    const asOf = text("#app-data-as-of");
    const sub = [region, period, unit ? words.unit + words.sep + unit : ""].filter(Boolean).join(" · ");
    const source = words.source + words.sep + [brand, asOf].filter(Boolean).join(words.join) +
      words.join + words.exported + words.sep + stamp(new Date());
    return {title: [indicator, chart].filter(Boolean).join(" · "), sub: sub, source: source};
  }

  function printFigure(plot) {
    const about = caption(plot);
    const layout = JSON.parse(JSON.stringify(plot.layout || {}));
    const full = plot._fullLayout || {};
    const margin = Object.assign({l: 56, r: 56, t: 24, b: 40}, layout.margin);
    const axis = {color: INK, gridcolor: "rgba(0,0,0,0.12)", linecolor: INK, tickfont: {color: INK}};
    Object.keys(layout).filter(function (k) { return /^[xy]axis\d*$/.test(k); }).forEach(function (k) {
      layout[k] = Object.assign({}, layout[k], axis,
        {title: Object.assign({}, typeof layout[k].title === "object" ? layout[k].title : {text: layout[k].title},
                              {font: {color: INK}})});
    });
    Object.assign(layout, {
      paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
      font: Object.assign({}, layout.font, {color: INK}),
      legend: Object.assign({}, layout.legend, {font: {color: INK}, bgcolor: "rgba(255,255,255,0)"}),
      title: {text: "<b>" + about.title + "</b><br><span style=\"font-size:13px\">" + about.sub + "</span>",
              x: 0.01, xanchor: "left", y: 0.985, yanchor: "top", font: {color: INK, size: 18}},
      margin: Object.assign({}, margin, {t: margin.t + 84, b: margin.b + 46}),
      annotations: (layout.annotations || []).concat([{
        text: about.source, xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "top",
        yshift: -(margin.b + 12), showarrow: false, align: "left", font: {size: 11, color: "#52606d"},
      }]),
    });
    const width = full.width || plot.clientWidth || 900;
    const height = (full.height || plot.clientHeight || 400) + 130;
    return {figure: {data: JSON.parse(JSON.stringify(plot.data || [])), layout: layout,
                     config: {locale: (plot._context || {}).locale}},
            width: width, height: height};
  }

  function exportChart(plot, format, filename) {
    if (!plot || !window.Plotly) {
      return;
    }
    let printable;
    try {
      printable = printFigure(plot);
    } catch (err) {
      printable = null;
    }
    const options = {format: format, scale: 3, filename: filename || "chart"};
    if (!printable) {
      window.Plotly.downloadImage(plot, options);
      return;
    }
    window.Plotly.downloadImage(printable.figure, Object.assign(options, {width: printable.width,
                                                                          height: printable.height}))
      .catch(function () { window.Plotly.downloadImage(plot, options); });
  }

  window.cockpitExportChart = exportChart;
  window.cockpitPrintFigure = printFigure;

  // The toolbar's camera: the same print export, as PNG (capture phase: before plotly's own handler).
  document.addEventListener("click", function (event) {
    const button = event.target && event.target.closest && event.target.closest(".economy-graph .modebar-btn");
    if (!button || TOOLBAR_PNG.indexOf(button.getAttribute("data-title")) < 0) {
      return;
    }
    const plot = button.closest(".js-plotly-plot");
    const options = (plot && plot._context && plot._context.toImageButtonOptions) || {};
    event.preventDefault();
    event.stopPropagation();
    exportChart(plot, options.format || "png", options.filename);
  }, true);

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    economy: {
      downloadSvg: function (clicks, graphId, config) {
        const holder = document.getElementById(JSON.stringify(graphId, Object.keys(graphId).sort()));
        const plot = holder && holder.querySelector(".js-plotly-plot");
        if (clicks && plot) {
          const options = (config && config.toImageButtonOptions) || {};
          exportChart(plot, "svg", options.filename);
        }
        return window.dash_clientside.no_update;
      },
    },
  });
})();
