// Small behaviours of the pages; no business rules here (totals come from the server).
document.addEventListener("DOMContentLoaded", () => {
  if (window.htmx) {
    // Show refusals (403/409/422) in the flash area the server retargets to.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "(400|403|404|409|422)", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  }
});

// "Select all" for bulk actions: a checkbox with data-select-all="<name>".
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches && box.matches("[data-select-all]")) {
    document.querySelectorAll(`input[name="${box.dataset.selectAll}"]`).forEach((b) => {
      b.checked = box.checked;
    });
  }
});

// Document form: add and remove line rows by cloning the <template id="line-template">.
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-line]");
  if (add) {
    const body = document.getElementById("lines-body");
    const tpl = document.getElementById("line-template");
    body.appendChild(tpl.content.cloneNode(true));
    body.dispatchEvent(new Event("change", { bubbles: true }));
  }
  const remove = event.target.closest("[data-remove-line]");
  if (remove) {
    const body = document.getElementById("lines-body");
    if (body.querySelectorAll("tr").length > 1) {
      remove.closest("tr").remove();
      body.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
});
