// Material's search box is a dialog without an accessible name (axe: aria-dialog-name,
// serious); it is in the page from the start and kept by instant navigation.
document.querySelectorAll('.md-search[role="dialog"]').forEach((dialog) => {
  dialog.setAttribute("aria-label", "Search the handbook");
});

// A glossary term (<abbr title>) shows its definition on hover; as a tab stop it shows it
// on keyboard focus too (Material's tooltips open on focus), except inside a link or button,
// which takes the focus itself. Run for every page, including those instant navigation loads.
function focusableTerms() {
  document.querySelectorAll(".md-content abbr[title]").forEach((term) => {
    if (!term.closest("a, button, summary")) term.tabIndex = 0;
  });
}
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(focusableTerms);
} else {
  focusableTerms();
}
