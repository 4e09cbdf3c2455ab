/* Log a visit without signal: visits wait on the phone (IndexedDB) and are sent when it is back.
   Each visit carries the UUID made here, so a retry or a double tap makes one record. */
(function () {
  "use strict";

  var DB_NAME = "outreach";
  var STORE = "visits";
  var anchor = document.getElementById("visit-form") || document.getElementById("outreach-token");
  if (!anchor) return;
  var form = document.getElementById("visit-form");
  var statusBox = document.getElementById("outreach-status");
  var pendingBox = document.getElementById("outreach-pending");
  var syncUrl = anchor.getAttribute("data-sync-url");
  var newUrl = anchor.getAttribute("data-new-url");
  var params = new URLSearchParams(window.location.search);
  var syncing = false;
  var submitting = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(anchor.getAttribute("data-sw-url"), { scope: anchor.getAttribute("data-scope") })
      .catch(function () { /* the form still works online */ });
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- IndexedDB -------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "uuid" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }
  function savedVisits() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function keep(visit) { return withStore("readwrite", function (store) { return store.put(visit); }); }
  function forget(uuid) { return withStore("readwrite", function (store) { return store.delete(uuid); }); }
  function savedVisit(uuid) { return withStore("readonly", function (store) { return store.get(uuid); }); }

  // --- Messages --------------------------------------------------------------
  function say(text, kind) {
    statusBox.className = "outreach-status alert alert-" + (kind || "info");
    statusBox.textContent = text;
  }

  function showSaved() {
    return savedVisits().then(function (visits) {
      var list = pendingBox.querySelector("[data-pending-list]");
      list.textContent = "";
      pendingBox.hidden = visits.length === 0;
      visits.forEach(function (visit) {
        var item = document.createElement("li");
        item.className = "border rounded p-2 mb-2" + (visit.errors ? " border-danger" : "");
        var line = document.createElement("div");
        line.className = "fw-semibold";
        line.textContent = visit.summary;
        item.appendChild(line);
        var state = document.createElement("div");
        state.className = "small";
        state.textContent = visit.errors ? "Not sent: the team's server refused it. Correct it and send it again." : "Waiting to send.";
        item.appendChild(state);
        if (visit.errors) {
          var problems = document.createElement("ul");
          problems.className = "small text-danger mb-1";
          Object.keys(visit.errors).forEach(function (field) {
            visit.errors[field].forEach(function (message) {
              var problem = document.createElement("li");
              problem.textContent = field + ": " + message;
              problems.appendChild(problem);
            });
          });
          item.appendChild(problems);
          var fix = document.createElement("a");
          fix.className = "btn btn-outline-danger w-100";
          fix.href = newUrl + "?correct=" + encodeURIComponent(visit.uuid);
          fix.textContent = "Correct it";
          item.appendChild(fix);
        }
        list.appendChild(item);
      });
    });
  }

  // --- Sending ---------------------------------------------------------------
  function pageToken() {
    var input = anchor.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The token kept in the page may be stale (the officer signed in again since): fetch the form for a fresh one.
  function freshToken() {
    return fetch(newUrl, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok || response.redirected) return "";
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var input = page.querySelector("input[name=csrfmiddlewaretoken]");
        if (!input) return "";
        var mine = anchor.querySelector("input[name=csrfmiddlewaretoken]");
        if (mine) mine.value = input.value;
        return input.value;
      });
    });
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  function post(visit, token) {
    return fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(visit.data)
    });
  }

  function sendOne(visit, token) {
    return post(visit, token).then(function (response) {
      if (response.status === 403 && !isJson(response)) {
        return freshToken().then(function (fresh) {
          return fresh ? post(visit, fresh) : response;
        });
      }
      return response;
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var sent = [], already = [], refused = [], stopped = "";
    return savedVisits().then(function (visits) {
      // Refused ones too: one corrected and logged with the form since is answered "already arrived" and let go.
      var waiting = visits;
      var token = pageToken();
      return waiting.reduce(function (chain, visit) {
        return chain.then(function () {
          if (stopped) return;
          return sendOne(visit, token).then(function (response) {
            if (response.status === 201 || response.status === 200) {
              if (!visit.errors) (response.status === 201 ? sent : already).push(visit.summary);
              return forget(visit.uuid);
            }
            if (!isJson(response)) {
              stopped = "Sign in again to send the visits saved on this phone. They stay on the phone until then.";
              return;
            }
            return response.json().then(function (body) {
              if (response.status === 400) {
                if (!visit.errors) refused.push(visit.summary);
                visit.errors = body.errors || { Visit: [body.message] };
                return keep(visit);
              }
              stopped = body.message || "The visits saved on this phone could not be sent yet.";
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () {
      stopped = stopped || "No signal: the visits saved on this phone will be sent when it is back.";
    }).then(function () {
      syncing = false;
      var parts = [];
      if (sent.length) parts.push("Sent " + sent.length + " visit" + (sent.length === 1 ? "" : "s") + " saved on this phone: " + sent.join("; ") + ".");
      if (already.length) parts.push(already.length + " had already arrived: " + already.join("; ") + ".");
      if (refused.length) parts.push(refused.length + " not sent: correct " + (refused.length === 1 ? "it" : "them") + " below.");
      if (stopped) parts.push(stopped);
      if (parts.length) say(parts.join(" "), refused.length || stopped ? "warning" : "success");
      return showSaved();
    });
  }

  // --- The form --------------------------------------------------------------
  function pad(n) { return ("0" + n).slice(-2); }
  function setNow() {
    var now = new Date();
    form.elements.visited_on.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    form.elements.visited_time.value = pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  function values() {
    var data = { tags: [] };
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "csrfmiddlewaretoken" || element.disabled) return;
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) return;
      if (element.type === "checkbox") { (data[element.name] = data[element.name] || []).push(element.value); return; }
      data[element.name] = element.value;
    });
    return data;
  }

  function fill(data) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name === "csrfmiddlewaretoken" || !(element.name in data)) return;
      var value = data[element.name];
      if (element.type === "checkbox") element.checked = (value || []).indexOf(element.value) !== -1;
      else if (element.type === "radio") element.checked = element.value === value;
      else element.value = value;
    });
  }

  function summary(data) {
    var ward = form.elements.ward;
    var wardName = ward.selectedIndex > 0 ? ward.options[ward.selectedIndex].text : "";
    var kind = form.querySelector("input[name=contact_type]:checked");
    var kindLabel = kind && form.querySelector("label[for='" + kind.id + "']");
    var place = data.organisation || data.venue || wardName;
    return data.visited_on.split("-").reverse().join("/") + " " + data.visited_time + ", " + place +
      (kindLabel ? ", " + kindLabel.textContent.trim().toLowerCase() : "") + ", " + (data.people_engaged || 0) + " people";
  }

  function missing(data) {
    var problems = [];
    if (!data.visited_on || !data.visited_time) problems.push("the date and time");
    if (!data.ward && !data.organisation) problems.push("the ward");
    if (!data.contact_type) problems.push("the type");
    if (!data.activity) problems.push("the activity");
    if (data.people_engaged === "" || isNaN(Number(data.people_engaged))) problems.push("the number of people engaged");
    return problems;
  }

  function saveOnPhone() {
    var data = values();
    var gaps = missing(data);
    if (gaps.length) {
      say("Add " + gaps.join(", ") + " before saving.", "danger");
      return Promise.resolve();
    }
    var visit = { uuid: data.uuid, data: data, summary: summary(data), savedAt: new Date().toISOString(), errors: null };
    return keep(visit).then(function () {
      say("Saved on this phone, will send when online: " + visit.summary + ".", "success");
      // Ready for the next visit, like this one: a new reference, the time now, no notes.
      form.elements.uuid.value = newUuid();
      ["notes", "outcome", "follow_up_on"].forEach(function (name) { form.elements[name].value = ""; });
      setNow();
      if (params.has("correct")) history.replaceState(null, "", newUrl);
      return showSaved();
    });
  }

  if (form && form.getAttribute("data-offline") === "yes") {
    var correcting = params.get("correct");
    var reshown = document.querySelector("[data-error-summary]");
    if (correcting) {
      savedVisit(correcting).then(function (visit) {
        if (!visit) return;
        fill(visit.data);
        say("Correct this visit, then log it again. It stays saved on this phone until it is sent.", "warning");
      });
    } else if (!reshown) {
      // A kept copy of the page carries the reference and time of the day it was kept.
      form.elements.uuid.value = newUuid();
      setNow();
    }
    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; }
      if (!navigator.onLine) {
        event.preventDefault();
        submitting = true;
        saveOnPhone().then(function () { submitting = false; });
        return;
      }
      submitting = true;
    });
  } else if (form) {
    form.addEventListener("submit", function (event) {
      if (submitting) event.preventDefault();
      submitting = true;
    });
  }
  window.addEventListener("pageshow", function () { submitting = false; });

  var sendNow = pendingBox.querySelector("[data-send-now]");
  sendNow.addEventListener("click", function () {
    if (!navigator.onLine) { say("No signal: the visits saved on this phone will be sent when it is back.", "warning"); return; }
    sync();
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", function () {
    say("No signal. You can still log visits: they are saved on this phone and sent when it is back.", "warning");
  });
  showSaved().then(sync);
})();
