// Duty console, in the browser: follow the server's alert stream, announce new alerts (flash, and a
// tone for levels 1–2), keep the unacknowledged count in the tab title, remember which alerts were
// announced, keep filters in the URL.
// The tone is synthesised with WebAudio: nothing is loaded from anywhere.
(function () {
  const MAX_REMEMBERED = 3000;
  let audio = null;

  // Browsers only allow sound after the user has interacted with the page.
  function unlockAudio() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }
  document.addEventListener("pointerdown", unlockAudio, { capture: true });
  document.addEventListener("keydown", unlockAudio, { capture: true });

  // Red: three high beeps; orange: two lower ones.
  function beep(level) {
    if (!audio || audio.state !== "running") { return; }
    const count = level === "1" ? 3 : 2;
    const freq = level === "1" ? 1046 : 784;
    for (let i = 0; i < count; i++) {
      const start = audio.currentTime + i * 0.28;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.22);
    }
  }

  function flashRows(ids) {
    // The list may render just after this callback; wait for it.
    window.setTimeout(function () {
      ids.forEach(function (id) {
        document.querySelectorAll('.alert-row[data-alert-id="' + CSS.escape(id) + '"]').forEach(function (el) {
          el.classList.remove("is-new");
          void el.offsetWidth;  // restart the animation
          el.classList.add("is-new");
        });
      });
    }, 150);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  // One stream per tab, kept across re-renders of the page; closed when the console is left.
  let stream = null;
  const LEAVE_CHECK_MS = 2000;

  function consoleShown() { return document.getElementById("alerts-list") !== null; }

  function setProps(id, props) { window.dash_clientside.set_props(id, props); }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    alerts: {
      // Returns the tick's interval: polling until the stream is open, then a slow ageing tick;
      // back to polling whenever the stream drops (EventSource reconnects by itself).
      connect: function (live) {
        if (stream) { stream.close(); stream = null; }
        if (!live) { return window.dash_clientside.no_update; }
        if (!live.stream || !window.EventSource) { return live.poll_ms; }
        const source = new EventSource(live.stream);
        stream = source;
        source.onopen = function () {
          if (consoleShown()) { setProps("alerts-tick", { interval: live.idle_ms }); }
        };
        source.onmessage = function (event) {
          if (!consoleShown()) { source.close(); return; }
          setProps("alerts-push", { data: event.data });
        };
        source.onerror = function () {
          if (!consoleShown()) { source.close(); return; }
          setProps("alerts-tick", { interval: live.poll_ms });
        };
        // Leaving the console for another page keeps this script alive: let the stream go too,
        // so it does not hold a server thread until its next event.
        const watch = window.setInterval(function () {
          if (!consoleShown() || stream !== source) {
            source.close();
            window.clearInterval(watch);
          }
        }, LEAVE_CHECK_MS);
        return live.poll_ms;
      },
      announce: function (feed, notified, muted, texts) {
        const noUpdate = window.dash_clientside.no_update;
        if (!feed) { return [noUpdate, noUpdate, noUpdate]; }
        document.title = feed.unack > 0 ? fill(texts.doc_title, { n: feed.unack }) : texts.title;
        const ids = feed.alerts.map(function (a) { return a[0]; });
        if (!Array.isArray(notified)) {
          // First look in this tab: what is open now is the baseline, not news.
          return [ids.slice(0, MAX_REMEMBERED), noUpdate, noUpdate];
        }
        const seen = new Set(notified);
        const fresh = feed.alerts.filter(function (a) { return !seen.has(a[0]); });
        if (fresh.length === 0) { return [noUpdate, noUpdate, noUpdate]; }
        const remembered = ids.concat(notified.filter(function (id) { return ids.indexOf(id) < 0; }))
          .slice(0, MAX_REMEMBERED);
        flashRows(fresh.map(function (a) { return a[0]; }));
        const loud = fresh.filter(function (a) { return (a[1] === "1" || a[1] === "2") && a[3] === "new"; });
        if (loud.length && !muted) { beep(loud.some(function (a) { return a[1] === "1"; }) ? "1" : "2"); }
        const top = loud.length ? loud[0] : fresh[0];
        const message = fresh.length === 1 ? fill(texts.new_flash, { title: top[2] })
          : fill(texts.new_flash_more, { n: fresh.length, title: top[2] });
        return [remembered, message, "alerts-flash is-active level-" + top[1] + " tick-" + Date.now() % 2];
      },
      toggleMute: function (_clicks, muted) { return !muted; },
      muteLabel: function (muted, texts) { return muted ? texts.muted : texts.mute; },
      syncUrl: function (level, category, county, status, since, alertId) {
        if (window.location.pathname.replace(/\/$/, "") !== "/alerts") {
          return window.dash_clientside.no_update;
        }
        const params = new URLSearchParams();
        const values = { level: level, category: category, county: county, status: status, since: since,
                         alert: alertId };
        Object.keys(values).forEach(function (key) {
          const v = values[key];
          if (v && !(key === "status" && v === "open") && !(key === "since" && v === "all")) { params.set(key, v); }
        });
        const query = params.toString();
        const url = window.location.pathname + (query ? "?" + query : "");
        if (url !== window.location.pathname + window.location.search) {
          window.history.replaceState(window.history.state, "", url);
        }
        return query;
      },
    },
  });
})();
