// Material's search box is a dialog without an accessible name (axe: aria-dialog-name,
// serious); it is in the page from the start and kept by instant navigation.
document.querySelectorAll('.md-search[role="dialog"]').forEach((dialog) => {
  dialog.setAttribute("aria-label", "Search the handbook");
});
