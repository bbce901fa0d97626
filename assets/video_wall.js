// Video wall (/dispatch), in the browser: start each tile's stream and turn a tile whose stream
// fails or stalls into "no signal" with the reason, without touching the other tiles.
// HLS and MP4 play natively in Chromium; HTTP-FLV and WebSocket-FLV through mpegts.js, which the
// app serves itself (assets/video-mpegts.lazy.js, Apache-2.0): nothing is loaded from a CDN. It is
// 275 KB, so app.py keeps *.lazy.js off every page and the first FLV tile loads it here.
(function () {
  const STALL_MS = 15000;  // no frame this long after starting: "no data from the stream"

  function noSignal(video, reason) {
    const tile = video.closest(".video-tile");
    if (!tile || tile.classList.contains("is-nosignal")) { return; }
    stop(video);
    tile.classList.remove("is-playing");
    tile.classList.add("is-nosignal");
    tile.dataset.reason = reason;
    video.hidden = true;
    const box = tile.querySelector(".video-nosignal");
    if (box) {
      box.hidden = false;
      const text = box.querySelector(".video-nosignal-reason");
      if (text) { text.textContent = reason; }
    }
  }

  function stop(video) {
    if (video._cockpitPlayer) {
      try { video._cockpitPlayer.destroy(); } catch (e) { /* already gone */ }
      video._cockpitPlayer = null;
    }
    if (video._cockpitWatchdog) { clearTimeout(video._cockpitWatchdog); }
  }

  let mpegtsLoading = null;

  function withMpegts(then) {
    if (window.mpegts) { then(); return; }
    if (!mpegtsLoading) {
      mpegtsLoading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = "/assets/video-mpegts.lazy.js";
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    mpegtsLoading.then(then, then);  // on failure startFlv finds no player and says so in the tile
  }

  function startFlv(video, url) {
    withMpegts(function () { playFlv(video, url); });
  }

  function playFlv(video, url) {
    const mpegts = window.mpegts;
    if (!mpegts || !mpegts.isSupported()) {
      noSignal(video, video.dataset.msgError);
      return;
    }
    const player = mpegts.createPlayer({ type: "flv", url: url, isLive: true },
                                       { enableWorker: false, lazyLoad: false });
    player.on(mpegts.Events.ERROR, function () { noSignal(video, video.dataset.msgError); });
    player.attachMediaElement(video);
    player.load();
    video._cockpitPlayer = player;
    const played = player.play();
    if (played && played.catch) { played.catch(function () { /* autoplay retried on canplay */ }); }
  }

  function start(video) {
    video.dataset.started = "1";
    const url = video.dataset.src;
    if (!url) { return; }
    video.muted = true;  // browsers only autoplay muted video
    video.addEventListener("error", function () { noSignal(video, video.dataset.msgError); });
    video.addEventListener("canplay", function () {
      const p = video.play();
      if (p && p.catch) { p.catch(function () { /* paused by the browser: the user can click */ }); }
    });
    video._cockpitWatchdog = setTimeout(function () {
      if (video.readyState < 2) { noSignal(video, video.dataset.msgStalled); }
    }, STALL_MS);
    if (video.dataset.player === "flv") {
      startFlv(video, url);
    } else {
      video.src = url;
      video.load();
    }
  }

  function scan() {
    document.querySelectorAll("video.video-tile-player:not([data-started])").forEach(start);
  }

  // Tiles come and go with Dash callbacks: start new ones, and free the players of removed ones.
  const observer = new MutationObserver(function (mutations) {
    mutations.forEach(function (m) {
      m.removedNodes.forEach(function (node) {
        if (node.querySelectorAll) { node.querySelectorAll("video.video-tile-player").forEach(stop); }
      });
    });
    scan();
  });
  function boot() {
    observer.observe(document.body, { childList: true, subtree: true });
    scan();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
