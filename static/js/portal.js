// Forms with data-bestaetigen="..." ask before they send: removing a member, leaving a forum,
// closing a vote, deleting a file. A file of its own, since the CSP allows no inline script.
// On a form with several buttons the question may sit on the one button that needs it.
document.addEventListener("submit", (event) => {
  const question =
    (event.submitter && event.submitter.dataset.bestaetigen) || event.target.dataset.bestaetigen;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The presentation of a vote's result: a button that fills the projector's screen.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-vollbild]") && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen();
  }
});

// Dot voting: how many points are left, announced politely to screen readers.
document.querySelectorAll("form[data-punkte]").forEach((form) => {
  const total = Number(form.dataset.punkte);
  const output = form.querySelector("[data-punkte-rest]");
  const update = () => {
    let used = 0;
    form.querySelectorAll("input[type=number]").forEach((input) => {
      used += Math.max(0, Number(input.value) || 0);
    });
    const left = total - used;
    output.textContent = left >= 0
      ? `Noch ${left} von ${total} Punkten zu verteilen.`
      : `${-left} Punkte zu viel verteilt (höchstens ${total}).`;
  };
  form.addEventListener("input", update);
  update();
});
