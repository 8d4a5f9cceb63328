// The forum form's Kürzel follows the name while it is typed, until someone edits the Kürzel
// itself. The server makes the same one (foren.forms.kuerzel) when the field is left empty, so
// the form works without this script, and the server adds a number if the Kürzel is taken.
const UMLAUTE = { ä: "ae", ö: "oe", ü: "ue", Ä: "Ae", Ö: "Oe", Ü: "Ue", ß: "ss" };

const kuerzel = (name) =>
  name
    .replace(/[äöüÄÖÜß]/g, (c) => UMLAUTE[c])
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x00-\x7f]/g, "")
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .replace(/[-\s]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");

document.querySelectorAll("input[data-kuerzel-aus]").forEach((slug) => {
  const name = slug.form && slug.form.elements.namedItem(slug.dataset.kuerzelAus);
  if (!name) {
    return;
  }
  // An existing Kürzel (editing a forum) stays as it is: addresses should not change by accident.
  let folgt = slug.value === "" || slug.value === kuerzel(name.value);
  name.addEventListener("input", () => {
    if (folgt) {
      slug.value = kuerzel(name.value);
    }
  });
  slug.addEventListener("input", () => {
    folgt = slug.value === "";
  });
});
