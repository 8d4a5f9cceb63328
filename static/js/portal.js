// Forms with data-bestaetigen="..." ask before they send: removing a member, leaving a forum,
// closing a vote, deleting a file. A file of its own, since the CSP allows no inline script.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.bestaetigen;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
