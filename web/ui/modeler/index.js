// The process modeler page (issue 13 §2): bpmn-js's modeler with the properties panel,
// Cartable's own properties, bpmnlint, names in the page's language, and the server's
// draft, validation and deployment. No business rule is decided here: the server
// validates and deploys; the lint rules only warn early.
import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";
import spiffworkflow from "./spiffworkflow.json";
import CartablePropertiesProvider from "./provider";
import LocalizedLabelRenderer from "./labels";
import { lintConfig } from "./lint";
import { localDigits, translateModule } from "./translate";

const PALETTE_WIDTH = 130; // screen pixels the palette covers at the canvas's left edge

const providerModule = {
  __init__: ["cartablePropertiesProvider"],
  cartablePropertiesProvider: ["type", CartablePropertiesProvider],
};
const labelsModule = {
  __init__: ["localizedLabelRenderer"],
  localizedLabelRenderer: ["type", LocalizedLabelRenderer],
};

function csrfToken() {
  const meta = document.querySelector("meta[name=csrf-token]");
  return meta ? meta.content : "";
}

async function call(url, method, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/xml", Accept: "application/json" },
    body,
  });
  let data = {};
  try {
    data = await response.json();
  } catch (_error) {
    data = {};
  }
  if (!response.ok) {
    const reasons = Object.values(data.errors || {}).flat();
    const error = new Error(reasons.length ? reasons.join("; ") : data.message || String(response.status));
    error.problems = reasons;
    throw error;
  }
  return data;
}

class ModelerPage {
  constructor(holder, config) {
    this.holder = holder;
    this.config = config;
    this.words = config.messages;
    this.status = holder.querySelector("[data-status]");
    this.problems = holder.querySelector("[data-problems]");
    this.modeler = new Modeler({
      container: holder.querySelector("[data-canvas]"),
      propertiesPanel: { parent: holder.querySelector("[data-properties]") },
      moddleExtensions: { spiffworkflow },
      additionalModules: [
        BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, providerModule,
        lintModule, labelsModule, translateModule(config.words, config.digits),
      ],
      cartableCatalog: config.catalog,
      localizedLabels: { lang: config.lang },
      linting: { bpmnlint: lintConfig(config.catalog), active: true },
    });
    this.modeler.on("commandStack.changed", () => {
      this.say(this.words.unsaved);
      holder.dataset.dirty = "true";
    });
    holder.querySelector("[data-save]").addEventListener("click", () => this.save());
    holder.querySelector("[data-validate]").addEventListener("click", () => this.validate());
    holder.querySelector("[data-deploy]").addEventListener("click", () => this.deploy());
  }

  number(n) {
    return localDigits(n, this.config.digits);
  }

  say(text, kind) {
    this.status.textContent = text;
    this.status.dataset.kind = kind || "";
  }

  async load() {
    const draft = await call(this.holder.dataset.draftUrl, "GET");
    await this.modeler.importXML(draft.xml);
    // Fit the diagram to the canvas, leaving the palette's width free on the left.
    const canvas = this.modeler.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    const box = canvas.viewbox();
    const margin = PALETTE_WIDTH / box.scale;
    canvas.viewbox({ x: box.x - margin, y: box.y, width: box.width + margin, height: box.height });
    this.say(draft.saved ? this.words.draft_loaded : this.words.version_loaded.replace("{n}", this.number(draft.version)));
    this.holder.dataset.ready = "true";
  }

  async xml() {
    return (await this.modeler.saveXML({ format: true })).xml;
  }

  async save() {
    try {
      await call(this.holder.dataset.draftUrl, "PUT", await this.xml());
      this.holder.dataset.dirty = "false";
      this.say(this.words.saved, "success");
    } catch (error) {
      this.say(this.words.failed + " " + error.message, "error");
    }
  }

  async validate() {
    const result = await call(this.holder.dataset.validateUrl, "POST", await this.xml());
    this.pin(result.problems);
    this.say(result.valid ? this.words.valid : this.words.invalid, result.valid ? "success" : "error");
    this.holder.dataset.valid = String(result.valid);
    return result.valid;
  }

  // Pin each problem on its element (an overlay and a red outline) and list them all.
  pin(problems) {
    const overlays = this.modeler.get("overlays");
    const canvas = this.modeler.get("canvas");
    const registry = this.modeler.get("elementRegistry");
    overlays.remove({ type: "cartable-problem" });
    registry.forEach((el) => canvas.removeMarker(el, "has-problem"));
    this.problems.textContent = "";
    problems.forEach((problem) => {
      const item = document.createElement("li");
      item.textContent = problem.message;
      item.dir = "ltr";
      const element = problem.element_id && registry.get(problem.element_id);
      if (element) {
        item.dataset.element = problem.element_id;
        item.addEventListener("click", () => this.modeler.get("selection").select(element));
        canvas.addMarker(element, "has-problem");
        const pinEl = document.createElement("span");
        pinEl.className = "problem-pin";
        pinEl.dataset.element = problem.element_id;
        pinEl.title = problem.message;
        pinEl.textContent = "!";
        overlays.add(element, "cartable-problem", { position: { top: -10, right: 10 }, html: pinEl });
      }
      this.problems.appendChild(item);
    });
  }

  async deploy() {
    try {
      if (!(await this.validate())) return;
      const comment = this.holder.querySelector("[data-comment]").value;
      const url = this.holder.dataset.deployUrl + "?comment=" + encodeURIComponent(comment);
      const version = await call(url, "POST", await this.xml());
      const text = (version.created ? this.words.deployed : this.words.unchanged).replace("{n}", this.number(version.version));
      this.say(text, "success");
      this.holder.dataset.deployed = String(version.version);
    } catch (error) {
      this.say(this.words.failed + " " + error.message, "error");
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const holder = document.querySelector("[data-modeler]");
  if (!holder) return;
  const config = JSON.parse(document.getElementById("modeler-config").textContent);
  const page = new ModelerPage(holder, config);
  page.load().catch((error) => {
    page.say(config.messages.failed + " " + error.message, "error");
    holder.dataset.ready = "error";
  });
});
