// The monthly statement's Print button (no inline script: the Content-Security-Policy refuses it).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
