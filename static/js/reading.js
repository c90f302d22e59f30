// Reading time: beats to the server while the section is on screen or its audio plays.
// The server credits the time between beats, capped, and marks the section read once
// enough has been spent on it. Without this file the page offers "I have read this
// section" instead.
(function () {
  "use strict";
  var form = document.querySelector("form[data-beat-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var url = form.getAttribute("data-beat-url");
  var every = Number(form.getAttribute("data-beat-seconds")) * 1000;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var statusEl = form.querySelector("[data-reading-status]");
  var audio = document.querySelector("audio");
  var timer = null;
  var stopped = false;

  function seen() {
    return document.visibilityState === "visible" || (audio && !audio.paused && !audio.ended);
  }

  function beat(start) {
    if (stopped) return;
    var data = new FormData();
    data.set("csrfmiddlewaretoken", token);
    if (start) data.set("start", "1");
    fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        if (response.status === 403 || response.status === 404) {
          stopped = true; // not enrolled: nothing to count
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body && body.complete) stopped = true; // credit earned: the time is on record
        if (body && body.read && statusEl && !statusEl.textContent.trim()) {
          statusEl.textContent = "You have read this section.";
        }
      })
      .catch(function () {});
  }

  // While seen, beat on a timer; on becoming unseen, a last beat counts the time up to
  // then; on being seen again, a start beat restarts the clock without counting the gap.
  function update() {
    if (seen() && timer === null) {
      beat(true);
      timer = window.setInterval(function () {
        beat(false);
      }, every);
    } else if (!seen() && timer !== null) {
      window.clearInterval(timer);
      timer = null;
      beat(false);
    }
  }

  document.addEventListener("visibilitychange", update);
  if (audio) {
    audio.addEventListener("play", update);
    audio.addEventListener("pause", update);
    audio.addEventListener("ended", update);
  }
  update();
})();
