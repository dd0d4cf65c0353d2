// Hujin console: small behaviours, no inline script anywhere (the CSP forbids it).
"use strict";

// Copy buttons: <button data-copy-target="element-id" data-copied-label="Copied" hidden>
// They start hidden, so a browser without JavaScript shows none.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    if (navigator.clipboard) {
      button.hidden = false;
    }
  });
});

document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy-target]");
  if (!button) {
    return;
  }
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source) {
    return;
  }
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = button.dataset.copiedLabel || button.textContent;
  });
});
