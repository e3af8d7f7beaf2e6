// Entry without a network (issue 16). The page /offline is kept by the service worker
// (/sw.js); entries are kept on the phone in IndexedDB, checked with the rules the server
// publishes (/api/offline/contract: each column's type, shape, required, vocabulary),
// listed as "chờ gửi", and sent to /api/sync one by one when there is a network. Each
// entry carries an id made here: the server stores it once, whatever the retries.
"use strict";
(() => {
  const $ = (s, root = document) => root.querySelector(s);
  const $$ = (s, root = document) => Array.from(root.querySelectorAll(s));
  const DB = "donghanh";

  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");

  // IndexedDB: the queue of entries (by their id), and what the page keeps (households,
  // contract) for when there is no network.
  const open = () =>
    new Promise((ok, fail) => {
      const r = indexedDB.open(DB, 1);
      r.onupgradeneeded = () => {
        r.result.createObjectStore("queue", { keyPath: "client_id" });
        r.result.createObjectStore("kept");
      };
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
  const tx = async (store, mode, f) => {
    const db = await open();
    return new Promise((ok, fail) => {
      const t = db.transaction(store, mode);
      const req = f(t.objectStore(store));
      t.oncomplete = () => ok(req && req.result);
      t.onerror = () => fail(t.error);
    });
  };
  const queue = {
    all: () => tx("queue", "readonly", (s) => s.getAll()),
    put: (e) => tx("queue", "readwrite", (s) => s.put(e)),
    drop: (id) => tx("queue", "readwrite", (s) => s.delete(id)),
  };
  const kept = {
    get: (k) => tx("kept", "readonly", (s) => s.get(k)),
    put: (k, v) => tx("kept", "readwrite", (s) => s.put(v, k)),
  };

  // What the server publishes, fresh when there is a network, kept when there is not.
  const fetched = async (url, key) => {
    try {
      const r = await fetch(url, { credentials: "same-origin" });
      if (r.ok) {
        const v = await r.json();
        await kept.put(key, v);
        return v;
      }
    } catch (_) {
      /* no network: the kept copy */
    }
    return kept.get(key);
  };

  let contract = null;
  let households = [];
  // Households entered here and not yet stored: named by their entry's id ("@id") until
  // the server gives them their code; their members and supports refer to them so.
  let entered = [];

  // A name or code as a search compares it: no tone marks, đ as d, lower case.
  const fold = (t) =>
    (t || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  // A date as a person reads it (DD/MM/YYYY), whatever was typed.
  const dmy = (t) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t || "");
    return m ? `${m[3]}/${m[2]}/${m[1]}` : t || "";
  };
  // Today in Vietnam (UTC+7, no summer time), as the server dates her rows
  // (`store::generations::vietnam_today`), whatever time zone the phone is set to:
  // between 00:00 and 07:00 in Vietnam a phone on UTC would still say yesterday.
  const vietnamNow = () => new Date(Date.now() + 7 * 3600 * 1000);
  const today = () => {
    const d = vietnamNow();
    const two = (n) => String(n).padStart(2, "0");
    return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  };
  // What a new entry starts with: her unit, today, this year; a household picked for
  // her last entry stays picked.
  const fillDefaults = (form) => {
    const unit = $("#defaults") ? $("#defaults").dataset.unit : "";
    for (const el of $$("[data-default]", form)) {
      if (el.value) continue;
      const d = el.dataset.default;
      el.value = d === "unit" ? unit : d === "today" ? today() : d === "year" ? String(vietnamNow().getUTCFullYear()) : "";
    }
  };

  // The checks the server applies that can be made here: required columns, the shape of
  // each type, a vocabulary's codes, the longest text. The server checks everything again.
  const check = (kind, row) => {
    const spec = contract && contract.kinds.find((k) => k.kind === kind);
    const errors = {};
    if (!spec) return errors;
    for (const c of spec.columns) {
      const v = (row[c.name] || "").trim();
      if (!v) {
        const auto = c.name === "household_code" && kind === "households";
        if (c.required && !auto && c.name !== "record_id") errors[c.name] = "Cần nhập ô này.";
        continue;
      }
      if (v.length > c.max_chars) errors[c.name] = `Dài quá ${c.max_chars} ký tự.`;
      else if (c.pattern && !new RegExp(c.pattern).test(v)) errors[c.name] = `Cần: ${c.describe_vi}.`;
      else if (c.values.length && !c.values.some((x) => x.code === v)) errors[c.name] = "Không có trong danh mục.";
    }
    return errors;
  };

  const rowOf = (form) => {
    const row = {};
    for (const [k, v] of new FormData(form)) {
      if (k.startsWith("_")) continue;
      row[k] = row[k] ? `${row[k]};${v}` : v;
    }
    return row;
  };

  const showErrors = (form, errors) => {
    for (const p of $$("p.error", form)) p.textContent = errors[p.dataset.for] || "";
  };

  const newId = () =>
    crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;

  const fill = (form, row) => {
    for (const el of $$("[name]", form)) {
      if (el.name.startsWith("_")) continue;
      if (el.type === "checkbox") el.checked = (row[el.name] || "").split(";").includes(el.value);
      else if (el.tagName === "SELECT" && el.classList.contains("households") && row[el.name]) {
        picked = row[el.name];
        pickers();
        el.value = row[el.name];
      } else el.value = el.dataset.default === "today" ? dmy(row[el.name]) : row[el.name] || "";
    }
  };

  // The entry forms: checked here, kept in the queue (a kept entry is edited in place).
  for (const form of $$("form.entry")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const kind = form.dataset.kind;
      const row = rowOf(form);
      const errors = check(kind, row);
      showErrors(form, errors);
      if (Object.keys(errors).length) return;
      const id = form.elements._client_id.value || newId();
      const base = form.elements._base_version.value || null;
      await queue.put({ client_id: id, kind, row, base_version: base, state: "pending", made: Date.now() });
      form.reset();
      form.elements._client_id.value = "";
      form.elements._base_version.value = "";
      fillDefaults(form);
      await render();
      // A new household: the next entries (a member, an assessment, a support) are for it.
      const isNew = (kind === "families" || kind === "households") && !base;
      if (isNew) picked = row.household_code || `@${id}`;
      pickers(isNew ? picked : null);
      sync();
    });
  }

  const label = (kind) => {
    if (kind === "families") return "Hộ mới cả gia đình";
    const spec = contract && contract.kinds.find((k) => k.kind === kind);
    return spec ? spec.label_vi : kind;
  };
  // A vocabulary's code by its Vietnamese name, as the contract gives it.
  const named = (kind, col, code) => {
    const spec = contract && contract.kinds.find((k) => k.kind === kind);
    const c = spec && spec.columns.find((x) => x.name === col);
    const v = c && c.values.find((x) => x.code === code);
    return v ? v.label_vi : code;
  };
  // A household as a person knows it: its head's name (and code once it has one).
  const householdName = (code) => {
    const h = households.concat(entered).find((x) => x.household_code === code);
    if (!h) return code;
    return code.startsWith("@") ? `${h.head_name} (chưa gửi)` : `${h.head_name} (${code})`;
  };
  const summary = (e) =>
    [e.row.head_name || (e.row.household_code && householdName(e.row.household_code)), e.row.full_name,
      e.row.support_type && named(e.kind, "support_type", e.row.support_type),
      e.row.activity_type && named(e.kind, "activity_type", e.row.activity_type),
      dmy(e.row.date || e.row.registered_on || e.row.assessed_on || e.row.assigned_on)]
      .filter(Boolean)
      .join(" · ");

  // The queue on the page: waiting, refused (with why), or in conflict (to decide).
  const render = async () => {
    const all = (await queue.all()).sort((a, b) => a.made - b.made);
    entered = all
      .filter((e) => (e.kind === "families" || e.kind === "households") && !e.base_version)
      .map((e) => ({ household_code: e.row.household_code || `@${e.client_id}`, head_name: e.row.head_name, pending: true, row: e.row }));
    $("#pending").textContent = String(all.length);
    const ul = $("#queue");
    ul.textContent = "";
    for (const e of all) {
      const li = document.createElement("li");
      li.dataset.id = e.client_id;
      li.className = `entry-${e.state}`;
      const state = {
        pending: e.waiting ? "chờ hộ của mục này được lưu trước" : "chờ gửi",
        refused: "bị từ chối",
        conflict: "cần chọn",
      }[e.state];
      li.append(`${label(e.kind)}: ${summary(e)} — ${state} `);
      if (e.state === "refused") {
        const why = document.createElement("div");
        why.className = "error";
        why.textContent = e.errors.map((x) => (x.label ? `${x.label}: ${x.message}` : x.message)).join("; ");
        li.append(why);
      }
      if (e.state === "conflict") li.append(conflictTable(e));
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "secondary edit";
      edit.textContent = "Sửa";
      edit.onclick = () => {
        const form = $(`#f-${e.kind}`);
        fill(form, e.row);
        form.elements._client_id.value = e.client_id;
        form.elements._base_version.value = e.base_version || "";
        form.scrollIntoView();
      };
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "secondary drop";
      drop.textContent = "Bỏ";
      drop.onclick = async () => {
        if (!confirm(`Bỏ mục “${label(e.kind)}: ${summary(e)}”? Mục này chưa gửi lên máy chủ và sẽ mất.`)) return;
        await queue.drop(e.client_id);
        await render();
        pickers();
      };
      li.append(" ", edit, " ", drop);
      ul.append(li);
    }
  };

  // A conflict, field by field: what the officer entered, what the server has now; she
  // picks one of each and sends again on the server's version.
  const conflictTable = (e) => {
    const box = document.createElement("div");
    const t = document.createElement("table");
    t.className = "cards";
    t.innerHTML = "<thead><tr><th>Ô</th><th>Bạn nhập</th><th>Trên máy chủ</th></tr></thead>";
    const body = document.createElement("tbody");
    for (const [k, theirs] of Object.entries(e.current)) {
      const mine = e.row[k] || "";
      if (mine === theirs) continue;
      const tr = document.createElement("tr");
      tr.dataset.field = k;
      const cell = (text, which, checked) => {
        const td = document.createElement("td");
        const r = document.createElement("input");
        r.type = "radio";
        r.name = `${e.client_id}-${k}`;
        r.value = which;
        r.checked = checked;
        r.style.width = "auto";
        td.append(r, ` ${text}`);
        return td;
      };
      const name = document.createElement("td");
      name.textContent = k;
      tr.append(name, cell(mine, "mine", true), cell(theirs, "theirs", false));
      body.append(tr);
    }
    t.append(body);
    const send = document.createElement("button");
    send.type = "button";
    send.className = "resolve";
    send.textContent = "Gửi lựa chọn";
    send.onclick = async () => {
      const row = { ...e.row };
      for (const tr of $$("tr[data-field]", t)) {
        const k = tr.dataset.field;
        const pick = $(`input[name="${e.client_id}-${k}"]:checked`, tr);
        if (pick && pick.value === "theirs") row[k] = e.current[k];
      }
      await queue.put({ ...e, row, base_version: e.version, state: "pending", current: null });
      await render();
      sync();
    };
    box.append(t, send);
    return box;
  };

  // Sending: one entry at a time, in the order made; a dropped connection leaves the rest
  // for the next try; an expired session asks for a sign-in and keeps everything.
  let sending = false;
  document.body.dataset.sync = "idle";
  const sync = async () => {
    if (sending || !navigator.onLine) return;
    sending = true;
    document.body.dataset.sync = "busy";
    const note = $("#sync-note");
    try {
      let token = null;
      const me = await fetch("/api/me", { credentials: "same-origin" }).catch(() => null);
      if (!me) return;
      if (me.status === 401) {
        note.innerHTML = 'Phiên đăng nhập đã hết: <a href="/login">đăng nhập lại</a> để gửi (các mục vẫn giữ trên máy).';
        return;
      }
      token = (await me.json()).csrf;
      const started = performance.now();
      let sent = 0;
      const toSend = (await queue.all()).filter((e) => e.state === "pending").sort((a, b) => a.made - b.made);
      // A few requests for the whole queue: on a slow line each round trip costs seconds.
      for (let i = 0; i < toSend.length; i += 25) {
        const batch = toSend.slice(i, i + 25);
        let r;
        try {
          r = await fetch("/api/sync", {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
            body: JSON.stringify(batch.map((e) => ({
              client_id: e.client_id, kind: e.kind, row: e.row, base_version: e.base_version,
            }))),
          });
        } catch (_) {
          break; // the network went: the rest waits (a retry is recognised by its id)
        }
        if (r.status === 401) break;
        if (!r.ok) {
          const body = await r.json().catch(() => ({}));
          for (const e of batch) {
            await queue.put({ ...e, state: "refused", errors: [{ label: "", message: body.error || `Lỗi ${r.status}` }] });
          }
          continue;
        }
        for (const a of await r.json()) {
          const e = batch.find((x) => x.client_id === a.client_id);
          if (!e) continue;
          if (a.outcome === "stored" || a.outcome === "already") {
            await queue.drop(e.client_id);
            if (picked === `@${e.client_id}`) picked = a.key;
            sent += 1;
          } else if (a.outcome === "waiting") {
            await queue.put({ ...e, waiting: true });
          } else if (a.outcome === "conflict") {
            await queue.put({ ...e, state: "conflict", current: a.current, version: a.version });
          } else {
            await queue.put({ ...e, state: "refused", errors: a.errors });
          }
        }
      }
      const ms = Math.round(performance.now() - started);
      note.textContent = sent ? `Đã gửi ${sent} mục (${ms} ms).` : "";
      note.dataset.sent = String(sent);
      note.dataset.ms = String(ms);
    } finally {
      await render();
      await loadHouseholds();
      sending = false;
      document.body.dataset.sync = "idle";
    }
  };

  // Her units' households, to pick a member's, an assessment's or a support's household
  // from, and to correct one offline.
  const loadHouseholds = async () => {
    const got = await fetched("/api/offline/households", "households");
    households = (got && got.households) || [];
    $("#hh-count").textContent = String(households.length);
    pickers();
    listHouseholds();
  };

  // Options a picker shows at most: a province's thousands are searched, not listed.
  const SHOWN = 50;
  let picked = null;
  const matching = (q) => {
    const words = fold(q).split(/\s+/).filter(Boolean);
    const all = entered.concat(households);
    return all.filter((h) => {
      const text = fold(`${h.household_code} ${h.head_name}`);
      return words.every((w) => text.includes(w));
    });
  };
  // Each household picker: those entered here first, then hers, as the search narrows.
  // `prefer`: the household just entered, picked in every form.
  const pickers = (prefer) => {
    for (const sel of $$("select.households")) {
      const search = document.getElementById(`${sel.id}-search`);
      const found = matching(search ? search.value : "");
      const known = (code) => code && found.some((h) => h.household_code === code);
      // The household entered last (its code once stored), else the one she had picked.
      const was = prefer || (known(sel.value) ? sel.value : picked);
      const shown = found.slice(0, SHOWN);
      const chosen = found.find((h) => h.household_code === was);
      if (chosen && !shown.includes(chosen)) shown.unshift(chosen);
      sel.textContent = "";
      for (const h of shown) {
        const o = document.createElement("option");
        o.value = h.household_code;
        o.textContent = h.pending ? `${h.head_name} (chưa gửi)` : `${h.household_code} — ${h.head_name}`;
        sel.append(o);
      }
      if (found.length > SHOWN) {
        const more = document.createElement("option");
        more.disabled = true;
        more.textContent = `… còn ${found.length - SHOWN} hộ: gõ thêm để tìm`;
        sel.append(more);
      }
      if (chosen) sel.value = was;
      suggestMember(sel);
    }
  };
  // A new member of a household entered here takes the next number after its members.
  const suggestMember = async (sel) => {
    const form = sel.form;
    if (!form || form.dataset.kind !== "members" || !form.elements.member_no || form.elements._client_id.value) return;
    const code = sel.value;
    const h = entered.find((x) => x.household_code === code);
    let most = 0;
    if (h) for (const k of Object.keys(h.row)) {
      const m = /^m(\d+)\.full_name$/.exec(k);
      if (m && (h.row[k] || m[1] === "1")) most = Math.max(most, Number(m[1]));
    }
    for (const e of await queue.all()) {
      if (e.kind === "members" && e.row.household_code === code) most = Math.max(most, Number(e.row.member_no) || 0);
    }
    form.elements.member_no.value = most ? String(most + 1) : "";
  };
  for (const input of $$("input.pick")) input.addEventListener("input", pickers);
  for (const sel of $$("select.households")) sel.addEventListener("change", () => suggestMember(sel));

  // Her households to correct, as the search narrows them.
  const listHouseholds = () => {
    const ul = $("#households");
    ul.textContent = "";
    const q = $("#hh-search") ? $("#hh-search").value : "";
    for (const h of matching(q).filter((x) => !x.pending).slice(0, 20)) {
      const li = document.createElement("li");
      li.textContent = `${h.household_code} — ${h.head_name} `;
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "secondary";
      edit.textContent = "Sửa";
      edit.onclick = () => {
        const form = $("#f-households");
        fill(form, h);
        form.elements._client_id.value = "";
        form.elements._base_version.value = h._version;
        form.scrollIntoView();
      };
      li.append(edit);
      ul.append(li);
    }
  };
  if ($("#hh-search")) $("#hh-search").addEventListener("input", listHouseholds);

  // Whether the server answers, not only whether the phone has a network: a signal
  // without a way to the server is no network for her.
  const showNet = async () => {
    let up = navigator.onLine;
    if (up) {
      try {
        up = (await fetch("/health", { cache: "no-store" })).ok;
      } catch (_) {
        up = false;
      }
    }
    $("#net").textContent = up
      ? "Đang kết nối được máy chủ."
      : "Không kết nối được máy chủ: mục nhập được giữ trên máy và gửi khi có mạng.";
    return up;
  };
  // Another page opened without a network: the phone answers with this page, and says so.
  if (location.pathname !== "/offline") {
    const note = document.createElement("p");
    note.className = "alert";
    note.textContent =
      "Trang bạn mở cần mạng, mà máy đang không kết nối được máy chủ. Dưới đây là trang nhập khi mất mạng: mục nhập được giữ trên máy và tự gửi khi có mạng.";
    $("main").prepend(note);
  }
  window.addEventListener("online", () => {
    showNet();
    sync();
  });
  window.addEventListener("offline", showNet);
  $("#send").addEventListener("click", sync);
  // Signing out asks first while entries wait: /static/keep.js, on every page.

  (async () => {
    showNet();
    for (const form of $$("form.entry")) fillDefaults(form);
    contract = await fetched("/api/offline/contract", "contract");
    await render();
    await loadHouseholds();
    sync();
    setInterval(() => {
      showNet();
      sync();
    }, 30000);
  })();
})();
