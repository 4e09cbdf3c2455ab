// The room's check-in screen: fetch the next QR code and typed code when the current one runs out.
// The codes come from the server (an HMAC of the session and the time), so every screen shows the same.
(function () {
    "use strict";
    var screen = document.getElementById("checkin-screen");
    if (!screen) return;
    var url = screen.dataset.codeUrl;
    var qr = document.getElementById("screen-qr");
    var code = document.getElementById("screen-code");
    var countdown = document.getElementById("screen-countdown");
    var status = document.getElementById("screen-status");
    var secondsLeft = parseInt(screen.dataset.secondsLeft, 10) || 25;
    var timer = null;

    function showCountdown() {
        if (countdown) countdown.textContent = "; next change in " + secondsLeft + " s";
    }

    function refresh() {
        fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
            .then(function (response) {
                if (!response.ok) throw new Error("status " + response.status);
                return response.json();
            })
            .then(function (data) {
                qr.innerHTML = data.qr;
                code.textContent = data.code;
                secondsLeft = data.seconds_left;
                status.textContent = "";
                showCountdown();
            })
            .catch(function () {
                // Signed out or offline: say so rather than show a code that no longer works.
                status.textContent = "The code could not be refreshed. Check the connection, or reload the page and sign in again.";
                secondsLeft = 5;
            });
    }

    timer = window.setInterval(function () {
        secondsLeft -= 1;
        if (secondsLeft <= 0) {
            secondsLeft = 25;
            refresh();
        }
        showCountdown();
    }, 1000);
    document.addEventListener("visibilitychange", function () {
        if (!document.hidden) refresh();
    });
})();
