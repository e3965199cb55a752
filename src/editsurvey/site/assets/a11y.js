/* Material's search dialog has no accessible name (axe rule aria-dialog-name). */
document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (el) {
  el.setAttribute("aria-label", "Search");
});
