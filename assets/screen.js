// The wall screen (/screen) in the browser: scale the design canvas to the window, the clock,
// the carousel with touch pause and idle return, the red-alert beep, and recovery when the
// server or the network has gone away. Pages other than /screen are left alone.
(function () {
  "use strict";
  if (window.__cockpitScreen) {
    return;
  }
  const state = window.__cockpitScreen = {
    lastMove: Date.now(), lastTouch: 0, paused: false, path: "", beat: "", beatAt: Date.now(),
    missingSince: 0, probing: false, audio: null, beeps: 0, formatter: null, formatterKey: "", leaving: 0,
  };
  const FIT_MS = 250;
  const TICK_MS = 1000;
  // No heartbeat for this long: say the connection is lost and start probing the server.
  const OFFLINE_AFTER_MS = 20 * 1000;
  // The server answers again but the page does not recover: reload it (at most this often).
  const RELOAD_AFTER_MS = 45 * 1000;
  const RELOAD_GUARD_MS = 60 * 1000;
  const RELOAD_MARK = "cockpit.screenReloadAt";
  // The longest the carousel waits for a panel refresh under way before it moves on.
  const LEAVE_WAIT_MS = 30 * 1000;

  function onScreen() {
    return /\/screen(\/[^/]*)?$/.test(window.location.pathname);
  }

  function viewport() {
    return document.getElementById("screen-viewport");
  }

  function config() {
    const node = viewport();
    try {
      return node && node.dataset.config ? JSON.parse(node.dataset.config) : null;
    } catch (_err) {
      return null;
    }
  }

  function prefix() {
    try {
      const node = document.getElementById("_dash-config");
      const value = node && JSON.parse(node.textContent).requests_pathname_prefix;
      if (typeof value === "string" && value.charAt(0) === "/") {
        return value.endsWith("/") ? value : value + "/";
      }
    } catch (_err) {
      // the site root
    }
    return "/";
  }

  // The whole canvas scaled to fit the window, centred (letterboxed): the layout never reflows.
  function fit() {
    const node = viewport();
    const canvas = document.getElementById("screen-canvas");
    if (!node || !canvas) {
      return;
    }
    const size = (node.dataset.canvas || "").split("x").map(Number);
    const width = node.clientWidth;
    const height = node.clientHeight;
    if (!(size[0] > 0 && size[1] > 0 && width > 0 && height > 0)) {
      return;
    }
    const scale = Math.min(width / size[0], height / size[1]);
    const left = Math.round((width - size[0] * scale) / 2);
    const top = Math.round((height - size[1] * scale) / 2);
    const transform = "translate(" + left + "px, " + top + "px) scale(" + scale + ")";
    if (canvas.style.transform !== transform) {
      canvas.style.transform = transform;
    }
    node.dataset.scale = String(scale);
    node.classList.add("is-fitted");
  }

  function clock(cfg) {
    const node = document.getElementById("screen-clock");
    if (!node || !cfg) {
      return;
    }
    const key = cfg.tz + "|" + cfg.lang;
    if (state.formatterKey !== key) {
      state.formatter = new Intl.DateTimeFormat(cfg.lang === "en" ? "en-GB" : "zh-CN", {
        timeZone: cfg.tz, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
      });
      state.formatterKey = key;
    }
    const text = state.formatter.format(new Date());
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  // Whether the panel refresh (pages/screen.py `refresh`, first output screen-sig) is under way:
  // requested, waiting or running.
  function refreshing() {
    const store = window.store;
    const callbacks = store && typeof store.getState === "function" ? store.getState().callbacks : null;
    return !!callbacks && ["requested", "prioritized", "blocked", "executing", "watched", "executed"].some(
      function (key) {
        return Array.isArray(callbacks[key]) && callbacks[key].some(function (item) {
          const output = item && item.callback ? String(item.callback.output) : "";
          return output.indexOf("screen-sig.data") >= 0;
        });
      });
  }

  function setRefresh(on) {
    if (window.dash_clientside && typeof window.dash_clientside.set_props === "function" &&
        document.getElementById("screen-tick")) {
      window.dash_clientside.set_props("screen-tick", {disabled: !on});
    }
  }

  function navigate(path) {
    window.history.pushState({}, "", prefix() + path.replace(/^\//, ""));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
  }

  function unzoom() {
    document.querySelectorAll(".screen-panel.is-zoomed").forEach(function (panel) {
      panel.classList.remove("is-zoomed");
      panel.style.transform = "";
    });
  }

  // A touch on a panel brings it up to fill the canvas (a touch again, or idle time, puts it back).
  function zoom(panel) {
    const node = viewport();
    const size = (node.dataset.canvas || "").split("x").map(Number);
    const left = panel.offsetLeft;
    const top = panel.offsetTop;
    const scale = 0.96 * Math.min(size[0] / panel.offsetWidth, size[1] / panel.offsetHeight);
    const dx = (size[0] - panel.offsetWidth * scale) / 2 - left;
    const dy = (size[1] - panel.offsetHeight * scale) / 2 - top;
    unzoom();
    panel.style.transformOrigin = "0 0";
    panel.style.transform = "translate(" + dx + "px, " + dy + "px) scale(" + scale + ")";
    panel.classList.add("is-zoomed");
  }

  function setPaused(paused) {
    state.paused = paused;
    const node = viewport();
    if (node) {
      node.dataset.paused = paused ? "true" : "false";
    }
  }

  document.addEventListener("pointerdown", function (event) {
    if (!onScreen() || !viewport()) {
      return;
    }
    state.lastTouch = Date.now();
    setPaused(true);
    if (state.leaving) {  // a touch while about to move on: stay, and refresh again
      state.leaving = 0;
      setRefresh(true);
    }
    const panel = event.target.closest && event.target.closest(".screen-panel");
    if (!panel || panel.classList.contains("screen-panel-header")) {
      unzoom();
    } else if (panel.classList.contains("is-zoomed")) {
      unzoom();
    } else {
      zoom(panel);
    }
  }, true);

  function carousel(cfg, now) {
    const node = viewport();
    if (node && node.dataset.paused !== String(state.paused)) {
      node.dataset.paused = String(state.paused);  // also on a screen drawn since the touch
    }
    const here = window.location.pathname.slice(prefix().length - 1);
    if (here !== state.path) {
      state.path = here;
      state.lastMove = now;
    }
    if (state.paused) {
      if (now - state.lastTouch < cfg.idle_s * 1000) {
        return;
      }
      unzoom();
      setPaused(false);
      state.lastMove = now;
    }
    const list = cfg.carousel || [];
    if (list.length < 2) {
      return;
    }
    const current = here.replace(/\/$/, "") === "/screen" ? cfg.start : here;
    const index = list.indexOf(current);
    const dwell = (cfg.dwell && cfg.dwell[Math.max(index, 0)]) || 30;
    if (now - state.lastMove < dwell * 1000) {
      return;
    }
    // A chart refresh answered after the next screen is up would patch a chart that is gone:
    // stop this screen's refresh and let one under way finish first (however slow the server).
    if (!state.leaving) {
      state.leaving = now;
      setRefresh(false);
    }
    if (refreshing() && now - state.leaving < LEAVE_WAIT_MS) {
      return;
    }
    state.leaving = 0;
    state.lastMove = now;
    navigate(list[(index + 1) % list.length]);
  }

  function reloadOnce() {
    let last = 0;
    try {
      last = Number(window.sessionStorage.getItem(RELOAD_MARK)) || 0;
    } catch (_err) {
      last = 0;
    }
    if (Date.now() - last < RELOAD_GUARD_MS) {
      return;
    }
    try {
      window.sessionStorage.setItem(RELOAD_MARK, String(Date.now()));
    } catch (_err) {
      // reload anyway
    }
    window.location.reload();
  }

  // The server is asked whether it answers; when it does but the page still does not, reload.
  function probe(brokenFor) {
    if (state.probing) {
      return;
    }
    state.probing = true;
    window.fetch(prefix() + "api/v1/health", {cache: "no-store", credentials: "same-origin"})
      .then(function (response) {
        if (response.ok && brokenFor >= RELOAD_AFTER_MS) {
          reloadOnce();
        }
      })
      .catch(function () { /* still away: try again on a later tick */ })
      .then(function () { state.probing = false; });
  }

  function watchdog(now) {
    const node = viewport();
    const canvas = document.getElementById("screen-canvas");
    if (!canvas) {
      // The layout did not arrive (server away at load, or a page that broke): try again later.
      state.missingSince = state.missingSince || now;
      if (!node && now - state.missingSince > OFFLINE_AFTER_MS) {
        probe(now - state.missingSince);
      }
      return;
    }
    state.missingSince = 0;
    const beat = document.getElementById("screen-heartbeat");
    const text = beat ? beat.textContent : "";
    if (text && text !== state.beat) {
      state.beat = text;
      state.beatAt = now;
    }
    const silent = now - state.beatAt;
    node.classList.toggle("is-offline", silent > OFFLINE_AFTER_MS);
    if (silent > OFFLINE_AFTER_MS) {
      probe(silent);
    }
  }

  // Dash's renderer keeps every input change a component makes (each dcc.Interval tick among
  // them) in an undo history that nothing here uses and that never shrinks: about 6,000
  // entries an hour on this page. Keep only the newest, so a screen that runs for days stays flat.
  const HISTORY_KEEP = 200;
  function trimHistory() {
    const store = window.store;
    const history = store && typeof store.getState === "function" ? store.getState().history : null;
    if (history && Array.isArray(history.past) && history.past.length > 2 * HISTORY_KEEP) {
      history.past.splice(0, history.past.length - HISTORY_KEEP);
    }
  }

  function tick() {
    if (!onScreen()) {
      return;
    }
    const now = Date.now();
    const cfg = config();
    clock(cfg);
    watchdog(now);
    trimHistory();
    if (cfg) {
      carousel(cfg, now);
    }
  }

  function beep() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return;
    }
    // One context for the page's life: a new one per alarm would pile up.
    const audio = state.audio || (state.audio = new Context());
    if (audio.state === "suspended") {
      audio.resume().catch(function () { /* not allowed without a gesture: silent */ });
    }
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < 3; i += 1) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const at = start + i * 0.45;
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    }
    state.beeps += 1;
    const node = viewport();
    if (node) {
      node.dataset.beeps = String(state.beeps);
    }
  }

  window.setInterval(fit, FIT_MS);
  window.setInterval(tick, TICK_MS);
  window.addEventListener("resize", fit);

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    screen: {
      // A red alert the banner did not show before: beep, when sound is on.
      alarmSound: function (ids, previous) {
        const list = Array.isArray(ids) ? ids : [];
        const before = previous && Array.isArray(previous.ids) ? previous.ids : [];
        const cfg = config();
        if (cfg && cfg.sound && list.some(function (id) { return before.indexOf(id) < 0; })) {
          beep();
        }
        return {ids: list};
      },
    },
  });
}());
