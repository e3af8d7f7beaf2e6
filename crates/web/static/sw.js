// The service worker of the page that works without a network (/offline): it keeps the
// page, its style sheet and script, the data the page asked for (her units'
// households, the contract's rules) and the visit list of households to follow up
// (/follow-up), and answers from them when there is no network.
// Everything else goes to the network as usual.
const CACHE = "donghanh-offline-v5";
const SHELL = ["/offline", "/static/app.css", "/static/offline.js", "/static/keep.js", "/static/icon.svg", "/manifest.webmanifest"];
// The visit list (/follow-up) is kept as she last opened it, for visits without a signal.
const KEPT = (path) => SHELL.includes(path) || path === "/follow-up" || path.startsWith("/api/offline/");

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (KEPT(url.pathname)) {
    // The network first (fresh data when there is a signal), the kept copy without.
    e.respondWith(
      fetch(e.request)
        .then((r) => {
          if (r.ok && !r.redirected) {
            const copy = r.clone();
            caches.open(CACHE).then((c) => c.put(url.pathname, copy));
          }
          return r;
        })
        .catch(() => caches.match(url.pathname).then((r) => r || Response.error()))
    );
  } else if (e.request.mode === "navigate") {
    // Any other page without a network: the page that works offline.
    e.respondWith(fetch(e.request).catch(() => caches.match("/offline")));
  }
});
