// Print buttons ([data-print], hidden until this runs): without script the PDF link does the same job.
// A static file, not inline script, so the Content-Security-Policy can refuse inline script.
document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
});
