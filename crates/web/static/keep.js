// On every page of a user who may write (issue 25): nothing she entered without a network
// is lost. The service worker (/sw.js) is installed on her first visit of any page, so
// the entry page and her households are kept before the signal goes; the browser is
// asked to keep this site's storage; and signing out, which clears what the phone keeps
// (Clear-Site-Data), asks first while entries wait to be sent.
"use strict";
(() => {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js");
    // Her households and the contract's rules kept before the signal goes: fetched through
    // the service worker (which keeps /api/offline/*) once it controls the page, at most
    // once an hour, so that the entry page has them even if she never opened it online.
    const keepData = () => {
      const last = Number(localStorage.getItem("donghanh-kept") || 0);
      if (Date.now() - last < 3600e3) return;
      const urls = ["/api/offline/households", "/api/offline/contract"];
      Promise.all(urls.map((u) => fetch(u, { credentials: "same-origin" })))
        .then((rs) => rs.every((r) => r.ok) && localStorage.setItem("donghanh-kept", String(Date.now())))
        .catch(() => {});
    };
    if (navigator.serviceWorker.controller) keepData();
    else navigator.serviceWorker.addEventListener("controllerchange", keepData, { once: true });
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then((kept) => kept || navigator.storage.persist());
  }

  // Entries waiting in the offline page's queue, without creating its database.
  const waiting = () =>
    new Promise((ok) => {
      let r;
      try {
        r = indexedDB.open("donghanh");
      } catch (_) {
        return ok(0);
      }
      // No database yet: nothing waits (the upgrade is undone, the offline page makes it).
      r.onupgradeneeded = () => r.transaction.abort();
      r.onerror = () => ok(0);
      r.onsuccess = () => {
        const db = r.result;
        if (!db.objectStoreNames.contains("queue")) {
          db.close();
          return ok(0);
        }
        const q = db.transaction("queue").objectStore("queue").count();
        q.onsuccess = () => {
          db.close();
          ok(q.result);
        };
        q.onerror = () => {
          db.close();
          ok(0);
        };
      };
    });

  for (const f of document.querySelectorAll('form[action="/logout"]')) {
    f.addEventListener("submit", (ev) => {
      if (f.dataset.asked) return;
      ev.preventDefault();
      waiting().then((n) => {
        const ask = `Còn ${n} mục nhập chưa gửi lên máy chủ; đăng xuất sẽ xóa chúng khỏi máy. Vẫn đăng xuất?`;
        if (!n || confirm(ask)) {
          f.dataset.asked = "1";
          f.requestSubmit();
        }
      });
    });
  }
})();
