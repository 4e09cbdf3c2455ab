// The check-in desk: filter by name as you type, mark present or undo without reloading,
// pick up other devices' marks and walk-ins every few seconds, and scan tickets with the camera.
// Without JavaScript every form still posts and the page reloads.
(function () {
    "use strict";
    var desk = document.getElementById("desk");
    if (!desk) return;
    var search = document.getElementById("desk-q");
    var stateUrl = desk.dataset.stateUrl;
    var scanUrl = desk.dataset.scanUrl;
    var busy = false;

    function csrfToken() {
        var input = desk.querySelector("input[name=csrfmiddlewaretoken]") || document.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function applyFilter() {
        var needle = (search.value || "").trim().toLowerCase();
        desk.querySelectorAll(".desk-row").forEach(function (row) {
            // A class, not the hidden attribute: Bootstrap's d-flex would override hidden.
            row.classList.toggle("d-none", needle !== "" && row.dataset.name.indexOf(needle) === -1);
        });
    }

    function swap(html, focusRowId) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#desk-live");
        var live = document.getElementById("desk-live");
        if (!fresh || !live) return;
        live.replaceWith(fresh);
        applyFilter();
        if (focusRowId) {
            var button = document.querySelector("#" + focusRowId + " button");
            if (button) button.focus();
        }
    }

    desk.addEventListener("submit", function (event) {
        var form = event.target.closest("form.desk-mark");
        if (!form) return;
        event.preventDefault();
        var row = form.closest(".desk-row");
        busy = true;
        fetch(form.getAttribute("action"), {  // not form.action: an input named "action" shadows it
            method: "POST",
            body: new FormData(form),
            headers: {"X-Requested-With": "fetch"},
            credentials: "same-origin",
        }).then(function (response) {
            return response.text();
        }).then(function (html) {
            swap(html, row ? row.id : null);
        }).catch(function () {
            form.submit();
        }).finally(function () {
            busy = false;
        });
    });

    if (search) {
        search.addEventListener("input", applyFilter);
        search.form.addEventListener("submit", function (event) {
            event.preventDefault();
            applyFilter();
        });
    }

    function refresh() {
        if (busy || document.hidden) return;
        fetch(stateUrl, {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
            .then(function (response) { return response.ok ? response.text() : null; })
            .then(function (html) {
                if (!html || busy) return;
                var holder = document.createElement("div");
                holder.innerHTML = html;
                var fresh = holder.querySelector("#desk-live");
                var live = document.getElementById("desk-live");
                if (fresh && live && fresh.dataset.version !== live.dataset.version) {
                    var focused = document.activeElement && document.activeElement.closest(".desk-row");
                    swap(html, focused ? focused.id : null);
                }
            })
            .catch(function () {});
    }
    window.setInterval(refresh, 5000);

    // Camera scanning: jsQR reads frames from the rear camera; each ticket is sent once.
    var scanner = document.getElementById("scanner");
    var video = document.getElementById("scanner-video");
    var result = document.getElementById("scanner-result");
    if (!scanner || !video || typeof jsQR !== "function" || !navigator.mediaDevices) {
        if (scanner) scanner.hidden = true;
        return;
    }
    var stream = null;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", {willReadFrequently: true});
    var lastText = "";
    var lastAt = 0;

    function show(ok, message) {
        result.className = "mt-2 alert " + (ok ? "alert-success" : "alert-danger") + " fs-5";
        result.textContent = message;
    }

    function send(text) {
        var body = new FormData();
        body.append("token", text);
        body.append("csrfmiddlewaretoken", csrfToken());
        fetch(scanUrl, {method: "POST", body: body, headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
            .then(function (response) { return response.json(); })
            .then(function (data) { show(data.ok, data.message); refresh(); })
            .catch(function () { show(false, "Could not reach the server. Try again, or mark the person on the list."); });
    }

    function tick() {
        if (!stream) return;
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            var code = jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height,
                            {inversionAttempts: "dontInvert"});
            var now = Date.now();
            if (code && code.data && (code.data !== lastText || now - lastAt > 4000)) {
                lastText = code.data;
                lastAt = now;
                send(code.data);
            }
        }
        window.requestAnimationFrame(tick);
    }

    scanner.addEventListener("toggle", function () {
        if (scanner.open && !stream) {
            navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false})
                .then(function (media) {
                    stream = media;
                    video.srcObject = media;
                    video.play();
                    window.requestAnimationFrame(tick);
                })
                .catch(function () { show(false, "The camera is not available. Allow camera access, or mark people on the list."); });
        } else if (!scanner.open && stream) {
            stream.getTracks().forEach(function (track) { track.stop(); });
            stream = null;
        }
    });
})();
