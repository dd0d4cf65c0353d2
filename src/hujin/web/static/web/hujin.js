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

// --- portal ---
// The show/hide-amounts eye on the customer's home: <button data-amounts-toggle aria-pressed>.
// Pressed, every amount on the page (span.amount, as the money filters write them) reads ****;
// the choice is remembered in localStorage. The button starts hidden: without JavaScript it
// could do nothing.
(function () {
  const KEY = "hujin.amountsHidden";

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  function remember(hidden) {
    try {
      window.localStorage.setItem(KEY, hidden ? "1" : "0");
    } catch (error) {
      // Private browsing may refuse storage: the choice then lasts for this page only.
    }
  }

  function show(hidden) {
    document.querySelectorAll(".amount").forEach(function (amount) {
      if (hidden) {
        if (amount.dataset.amount === undefined) {
          amount.dataset.amount = amount.textContent;
        }
        amount.textContent = "****";
      } else if (amount.dataset.amount !== undefined) {
        amount.textContent = amount.dataset.amount;
        delete amount.dataset.amount;
      }
    });
    document.querySelectorAll("[data-amounts-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", hidden ? "true" : "false");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const buttons = document.querySelectorAll("[data-amounts-toggle]");
    if (buttons.length === 0) {
      return;
    }
    buttons.forEach(function (button) {
      button.hidden = false;
    });
    show(remembered());
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-amounts-toggle]");
    if (!button) {
      return;
    }
    const hidden = button.getAttribute("aria-pressed") !== "true";
    remember(hidden);
    show(hidden);
  });
})();

// Resend-code countdown: <button data-resend-wait="57" data-resend-label="Send again in {seconds} s">.
// The server says how many seconds its rate limit still holds; until then the button is
// disabled and counts down, then it gets its own words back.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-resend-wait]").forEach(function (button) {
    const wait = parseInt(button.dataset.resendWait, 10);
    if (!(wait > 0)) {
      return;
    }
    const words = button.textContent;
    const template = button.dataset.resendLabel || "{seconds}";
    const deadline = Date.now() + wait * 1000;
    function tick() {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        button.disabled = false;
        button.textContent = words;
        return;
      }
      button.disabled = true;
      button.textContent = template.replace("{seconds}", String(left));
      window.setTimeout(tick, 250);
    }
    tick();
  });
});
