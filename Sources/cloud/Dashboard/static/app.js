// Live updates and the rollout buttons; plain JavaScript, no libraries.
// The page says what it shows in <body data-watch>: event kinds ("deployment") and objects
// ("id:ABC", matched against an event's ObjectID or ClusterID). A matching event re-renders the
// page's <main> from the server (debounced), without reloading the page.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const watch = (document.body.dataset.watch || "").split(" ").filter(Boolean);
  const live = document.getElementById("live");
  const notice = document.getElementById("notice");
  let pending = null;

  function relevant(event) {
    const kind = String(event.Type || "").split(".")[0];
    return watch.some(function (token) {
      if (token.startsWith("id:")) {
        const id = token.slice(3);
        return event.ObjectID === id || event.ClusterID === id;
      }
      return token === kind;
    });
  }

  function refresh() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      fetch(location.href, { credentials: "same-origin" })
        .then(function (response) {
          if (response.redirected || !response.ok) throw new Error("status " + response.status);
          return response.text();
        })
        .then(function (html) {
          const next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
          if (next) document.querySelector("main").replaceWith(next);
        })
        .catch(function () { show("The page could not be updated; reload it."); });
    }, 300);
  }

  function show(text) {
    notice.textContent = text;
    notice.hidden = !text;
  }

  // A browser allows six connections per server; a stream left open by a page the browser keeps
  // for its back button would use one up, so it is closed on leaving and opened again on return.
  let source = null;
  function connect() {
    if (source || !watch.length || !("EventSource" in window)) return;
    source = new EventSource("/api/events");
    source.onopen = function () { live.textContent = "● live"; live.className = "live on"; };
    source.onerror = function () { live.textContent = "○ reconnecting"; live.className = "live"; };
    source.onmessage = function (message) {
      try {
        if (relevant(JSON.parse(message.data))) refresh();
      } catch (error) { /* not an event */ }
    };
  }
  window.addEventListener("pagehide", function () {
    if (source) source.close();
    source = null;
  });
  window.addEventListener("pageshow", function (shown) {
    connect();
    if (shown.persisted) refresh();
  });
  if (!watch.length) live.textContent = "";
  connect();

  document.addEventListener("click", function (click) {
    const button = click.target.closest("button[data-post]");
    if (!button) return;
    click.preventDefault();
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    fetch(button.dataset.post, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: "{}",
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) throw new Error(body.Error || "the server answered " + response.status);
          show("");
        });
      })
      .catch(function (error) { show(error.message); })
      .finally(function () { button.disabled = false; refresh(); });
  });
})();
