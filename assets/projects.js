// Clientside callbacks of the key-projects page: the grid's search runs in the browser.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  projects: {
    quickFilter: function (text, options) {
      return Object.assign({}, options || {}, {quickFilterText: text || ""});
    },
  },
});
