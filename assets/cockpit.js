// Clientside callbacks of the app shell: no server round trip for the clock or the theme.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  cockpit: {
    clock: function (_tick, settings) {
      const locale = settings && settings.lang === "en" ? "en-GB" : "zh-CN";
      return new Date().toLocaleString(locale, {
        timeZone: (settings && settings.tz) || "Asia/Shanghai", hour12: false,
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      });
    },
    toggleTheme: function (_clicks, stored, settings) {
      const current = stored || (settings && settings.theme) || "dark";
      return current === "dark" ? "light" : "dark";
    },
    applyTheme: function (stored, settings) {
      return "theme-" + (stored || (settings && settings.theme) || "dark");
    },
    markActiveNav: function (pathname, hrefs) {
      // A section is active on its own path and on its drill-down paths (/economy/141102).
      return hrefs.map(function (href) {
        const active = href === "/" ? pathname === "/" : (pathname === href || pathname.startsWith(href + "/"));
        return active ? "nav-link active" : "nav-link";
      });
    },
  },
});
