// Read and write the product's properties on a diagram element (docs/bpmn.md): flat
// `spiffworkflow:property` name/value pairs inside `bpmn:extensionElements`, and the
// `spiffworkflow:serviceTaskOperator` of a service task. Every write is one command on
// the command stack, so undo and redo work.
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

const MULTI = "properties-panel.multi-command-executor";

export function extensionOf(bo, type) {
  const ext = bo && bo.get("extensionElements");
  return ext ? (ext.get("values") || []).find((v) => is(v, type)) : undefined;
}

// The element's properties as an ordered Map name -> value.
export function readProps(element) {
  const props = extensionOf(getBusinessObject(element), "spiffworkflow:Properties");
  const found = new Map();
  ((props && props.get("values")) || []).forEach((p) => found.set(p.get("name"), p.get("value") || ""));
  return found;
}

export function prop(element, name) {
  return readProps(element).get(name) || "";
}

// Commands that make sure the element has an extension of `type`; returns [ext, commands].
export function ensureExtension(element, bpmnFactory, type, attrs) {
  const bo = getBusinessObject(element);
  const commands = [];
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  let found = (ext.get("values") || []).find((v) => is(v, type));
  if (!found) {
    found = bpmnFactory.create(type, attrs || {});
    found.$parent = ext;
    commands.push(update(element, ext, { values: [...ext.get("values"), found] }));
  }
  return [found, commands];
}

export function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

export function run(injector, commands) {
  if (commands.length) injector.get("commandStack").execute(MULTI, commands);
}

// Set (or, with "" / null, remove) properties; `changes` is {name: value}. Order is kept,
// new names go last; a name mapped to a function is renamed (see renameProps).
export function writeProps(element, injector, changes) {
  const bpmnFactory = injector.get("bpmnFactory");
  const [props, commands] = ensureExtension(element, bpmnFactory, "spiffworkflow:Properties", { values: [] });
  const left = new Map(Object.entries(changes));
  const values = [];
  (props.get("values") || []).forEach((p) => {
    const name = p.get("name");
    if (!left.has(name)) return values.push(p);
    const value = left.get(name);
    left.delete(name);
    if (value !== null && value !== undefined && value !== "") {
      values.push(value === p.get("value") ? p : create(bpmnFactory, props, name, value));
    }
  });
  left.forEach((value, name) => {
    if (value !== null && value !== undefined && value !== "") values.push(create(bpmnFactory, props, name, value));
  });
  commands.push(update(element, props, { values }));
  run(injector, commands);
}

// Rename every property starting with `from` to start with `to` (a decision's or a
// field's id changed), and apply `changes` too, in one command.
export function renameProps(element, injector, from, to, changes) {
  const renamed = {};
  readProps(element).forEach((value, name) => {
    if (name.startsWith(from)) {
      renamed[name] = null;
      renamed[to + name.slice(from.length)] = value;
    }
  });
  writeProps(element, injector, { ...renamed, ...changes });
}

function create(bpmnFactory, parent, name, value) {
  const p = bpmnFactory.create("spiffworkflow:Property", { name, value: String(value) });
  p.$parent = parent;
  return p;
}

// A space-separated list property as an array ("a b" -> ["a", "b"]).
export function listProp(element, name) {
  return prop(element, name).replace(/,/g, " ").split(/\s+/).filter(Boolean);
}

// The name of an element in `lang` (label.<lang>), else "".
export function localName(bo, lang) {
  const props = extensionOf(bo, "spiffworkflow:Properties");
  const found = ((props && props.get("values")) || []).find((p) => p.get("name") === "label." + lang);
  return found ? found.get("value") || "" : "";
}
