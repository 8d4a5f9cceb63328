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

// Long lists of checkboxes (a measure's organisations, needs and offers) get a filter field:
// typing hides the entries that do not match; ticked entries always stay, so the filter never
// hides what is chosen. Without script the whole list shows in its scroll box.
document.querySelectorAll(".auswahlliste fieldset").forEach((fieldset, index) => {
  const entries = Array.from(fieldset.querySelectorAll(".form-check"));
  if (entries.length < 10) {
    return;
  }
  const id = `auswahlliste-filter-${index}`;
  const wrapper = document.createElement("div");
  wrapper.className = "mb-2";
  wrapper.innerHTML =
    `<label class="form-label small mb-1" for="${id}">Liste filtern</label>` +
    `<input type="search" id="${id}" class="form-control form-control-sm" autocomplete="off">` +
    '<p class="small text-body-secondary mb-0" aria-live="polite"></p>';
  fieldset.querySelector("legend").after(wrapper);
  const input = wrapper.querySelector("input");
  const status = wrapper.querySelector("p");
  input.addEventListener("input", () => {
    const query = input.value.trim().toLocaleLowerCase("de");
    let shown = 0;
    entries.forEach((entry) => {
      const visible =
        !query ||
        entry.querySelector("input").checked ||
        entry.textContent.toLocaleLowerCase("de").includes(query);
      entry.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    status.textContent = query ? `${shown} von ${entries.length} Einträgen angezeigt.` : "";
  });
});

// A form sent back with errors: the focus moves to its error summary (templates/_form_fehler.html),
// which a screen reader then reads first, and whose links lead to the fields.
const fehleruebersicht = document.querySelector(".fehleruebersicht");
if (fehleruebersicht) {
  fehleruebersicht.focus();
}
