/* The outreach service worker: *Log a visit* and *My visits* open without signal.
   Pages: from the network when there is one (and the copy kept is refreshed, CSRF token included),
   else the kept copy. Static files: the kept copy. Visits themselves wait in IndexedDB (js/outreach.js). */
"use strict";
const CACHE = "outreach-{{ version }}";
const ASSETS = {{ assets_json|safe }};
const PAGES = {{ pages_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    for (const page of PAGES) {
      try {
        const response = await fetch(page, { credentials: "same-origin", cache: "no-store" });
        if (response.ok && !response.redirected) await cache.put(page, response);
      } catch (error) { /* kept on the next visit with signal */ }
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("outreach-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGES.includes(url.pathname)) {
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok && !response.redirected && !url.search) {
          const cache = await caches.open(CACHE);
          await cache.put(url.pathname, response.clone());
        }
        return response;
      } catch (error) {
        const kept = await caches.match(url.pathname, { ignoreSearch: true });
        return kept || Response.error();
      }
    })());
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
