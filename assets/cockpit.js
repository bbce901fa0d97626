// Clientside callbacks of the app shell: no server round trip for the clock or the theme.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  cockpit: {
    clock: function (_tick, settings) {
      // One format in both languages, as the pages write dates: 2026-05-01 08:00:00.
      return new Date().toLocaleString("sv-SE", {
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

// Phone header: the menu button folds the navigation and the buttons in and out. Delegated, so it
// survives Dash re-rendering the header; a chosen link closes the menu.
document.addEventListener("click", function (event) {
  const header = document.querySelector(".app-header");
  if (!header) { return; }
  const toggle = event.target.closest && event.target.closest("#app-menu-toggle");
  if (toggle) {
    const open = header.classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  } else if (event.target.closest && event.target.closest(".app-nav a")) {
    header.classList.remove("menu-open");
    const button = document.getElementById("app-menu-toggle");
    if (button) { button.setAttribute("aria-expanded", "false"); }
  }
});
