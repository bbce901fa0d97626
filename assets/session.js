// Ended sessions: when the sign-in guard answers one of this page's Dash callback requests
// with 401 (signed out in another tab, account disabled, cookie expired), go to the login page
// with this page as `next`, instead of letting the page silently stop updating.
// Only fetch() calls to this site's _dash-update-component are watched; the alerts stream
// (EventSource) and everything else are left alone.
(function () {
  "use strict";
  if (typeof window.fetch !== "function" || window.__cockpitSessionWatch) {
    return;
  }
  window.__cockpitSessionWatch = true;

  // A redirect less than this long ago that no successful callback has followed means the
  // sign-in did not help (e.g. the cookie is not kept): stay put rather than loop.
  const LOOP_GUARD_MS = 60 * 1000;
  const MARK = "cockpit.sessionRedirectAt";
  const originalFetch = window.fetch;
  let redirecting = false;

  function requestUrl(input) {
    if (typeof input === "string") {
      return input;
    }
    return input && typeof input.url === "string" ? input.url : String(input);
  }

  function isDashCallback(input) {
    let url;
    try {
      url = new URL(requestUrl(input), window.location.href);
    } catch (_err) {
      return false;
    }
    return url.origin === window.location.origin && /\/_dash-update-component$/.test(url.pathname);
  }

  // Dash's requests_pathname_prefix (from the page's #_dash-config), so a cockpit served
  // under a path prefix finds its own login page; "/" when it cannot be read.
  function pathPrefix() {
    try {
      const node = document.getElementById("_dash-config");
      const prefix = node && JSON.parse(node.textContent).requests_pathname_prefix;
      if (typeof prefix === "string" && prefix.charAt(0) === "/" && prefix.charAt(1) !== "/") {
        return prefix.endsWith("/") ? prefix : prefix + "/";
      }
    } catch (_err) {
      // fall through to the site root
    }
    return "/";
  }

  function readMark() {
    try {
      return Number(window.sessionStorage.getItem(MARK)) || 0;
    } catch (_err) {
      return 0;
    }
  }

  function writeMark(value) {
    try {
      if (value) {
        window.sessionStorage.setItem(MARK, String(value));
      } else {
        window.sessionStorage.removeItem(MARK);
      }
    } catch (_err) {
      // storage unavailable: the per-page flag still prevents repeated redirects
    }
  }

  function toLogin() {
    if (redirecting) {
      return true;
    }
    const now = Date.now();
    const last = readMark();
    if (last && now - last < LOOP_GUARD_MS) {
      return false;
    }
    redirecting = true;
    writeMark(now);
    const here = window.location.pathname + window.location.search;
    window.location.replace(pathPrefix() + "login?next=" + encodeURIComponent(here));
    return true;
  }

  window.fetch = function (input, init) {
    const result = originalFetch.apply(this, arguments);
    if (!isDashCallback(input)) {
      return result;
    }
    return result.then(function (response) {
      if (response.status === 401) {
        if (toLogin()) {
          // The page is being left: keep the renderer from reporting a failed callback.
          return new Promise(function () {});
        }
      } else if (response.ok && readMark()) {
        writeMark(0);
      }
      return response;
    });
  };
})();
