// The properties panel's groups for what Cartable reads from a diagram (docs/bpmn.md):
// names per language on every element, a lane's roles and assignment, a user task's
// decisions, fields, bulk, editing, command and deadline, a service task's operator and
// parameters, a sequence flow's condition and a call activity's process. The pickers
// offer what the server lists (roles, operators, deployed processes).
import { h } from "@bpmn-io/properties-panel/preact";
import {
  CheckboxEntry, Group, ListGroup, SelectEntry, TextFieldEntry,
  isCheckboxEntryEdited, isSelectEntryEdited, isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import {
  ensureExtension, extensionOf, listProp, prop, readProps, renameProps, run, update, writeProps,
} from "./model";

// The languages, assignments, commands and field types come from the server (the
// domain's words, docs/bpmn.md), with the roles, operators and processes.
let LANGUAGES = [];
const IDENTIFIER = /^[a-z][a-z0-9_]{0,39}$/;

// One text entry bound to property `name`.
function PropText({ element, id, name, label, validate }) {
  const injector = useService("injector");
  const translate = useService("translate");
  return h(TextFieldEntry, {
    element, id, label: translate(label), debounce: useService("debounceInput"),
    getValue: () => prop(element, name),
    setValue: (value) => writeProps(element, injector, { [name]: value }),
    validate,
  });
}

function PropCheck({ element, id, name, label, on = "true", off = "" }) {
  const injector = useService("injector");
  const translate = useService("translate");
  return h(CheckboxEntry, {
    element, id, label: translate(label),
    getValue: () => prop(element, name) === on,
    setValue: (checked) => writeProps(element, injector, { [name]: checked ? on : off }),
  });
}

function PropSelect({ element, id, name, label, options }) {
  const injector = useService("injector");
  const translate = useService("translate");
  return h(SelectEntry, {
    element, id, label: translate(label),
    getValue: () => prop(element, name),
    setValue: (value) => writeProps(element, injector, { [name]: value }),
    getOptions: () => options(element).map((o) => (typeof o === "string" ? { value: o, label: o || "—" } : o)),
  });
}

const text = (id, name, label, extra) => ({ id, name, label, component: PropText, isEdited: isTextFieldEntryEdited, ...extra });
const check = (id, name, label, extra) => ({ id, name, label, component: PropCheck, isEdited: isCheckboxEntryEdited, ...extra });
const select = (id, name, label, options) => ({ id, name, label, options, component: PropSelect, isEdited: isSelectEntryEdited });

function namesGroup(element, translate) {
  return {
    id: "cartable-names", label: translate("Names in each language"), component: Group,
    entries: LANGUAGES.map((lang) => ({ ...text("label-" + lang, "label." + lang, "Name (" + lang + ")"), element })),
  };
}

function laneGroup(element, translate, catalog) {
  const roles = catalog.roles.map((role) => ({
    id: "role-" + role.code, element, component: RoleCheck, role, isEdited: isCheckboxEntryEdited,
  }));
  return {
    id: "cartable-lane", label: translate("Who works this cartable"), component: Group,
    entries: [...roles, { ...select("assignment", "assignment", "Assignment", () => ["", ...catalog.assignments]), element }],
  };
}

function RoleCheck({ element, id, role }) {
  const injector = useService("injector");
  const translate = useService("translate");
  return h(CheckboxEntry, {
    element, id, label: translate("Role") + ": " + role.name + " (" + role.code + ")",
    getValue: () => listProp(element, "role").includes(role.code),
    setValue: (checked) => {
      const codes = listProp(element, "role").filter((c) => c !== role.code);
      writeProps(element, injector, { role: (checked ? [...codes, role.code] : codes).join(" ") });
    },
  });
}

function stepGroup(element, translate, catalog) {
  const decisions = (el) => ["", ...listProp(el, "decisions")];
  return {
    id: "cartable-step", label: translate("Cartable step"), component: Group,
    entries: [
      { ...text("due", "due", "Deadline in working hours (e.g. PT8H)"), element },
      { ...text("assignee", "assignee", "Assignee (an expression, e.g. owner(contact_id))"), element },
      { ...select("four_eyes", "four_eyes", "Four-eyes: the document's creator may not decide", () => ["", "true", "false"]), element },
      { ...check("editable", "editable", "The holder may edit the document"), element },
      { ...select("bulk", "bulk", "Decision sent by bulk approval", decisions), element },
      { ...select("command", "command", "Document command that completes it", () => ["", ...catalog.commands]), element },
    ],
  };
}

// A list of items kept as `<list>` = "a b" with `<prefix>.<id>.<key>` properties.
function itemsGroup(element, injector, translate, spec) {
  const ids = listProp(element, spec.list);
  const items = ids.map((itemId) => ({
    id: spec.prefix + "-" + itemId,
    label: itemId,
    entries: spec.entries(itemId).map((entry) => ({ ...entry, element, id: spec.prefix + "-" + itemId + "-" + entry.id })),
    remove: (event) => {
      event.stopPropagation();
      const gone = {};
      readProps(element).forEach((_v, name) => { if (name.startsWith(spec.prefix + "." + itemId + ".")) gone[name] = null; });
      writeProps(element, injector, { ...gone, [spec.list]: ids.filter((i) => i !== itemId).join(" "), ...(spec.onRemove ? spec.onRemove(element, itemId) : {}) });
    },
  }));
  return {
    id: "cartable-" + spec.list, label: translate(spec.label), component: ListGroup, element, items,
    add: (event) => {
      event.stopPropagation();
      let n = ids.length + 1;
      while (ids.includes(spec.prefix + "_" + n)) n += 1;
      const itemId = spec.prefix + "_" + n;
      writeProps(element, injector, { [spec.list]: [...ids, itemId].join(" "), ...spec.defaults(itemId) });
    },
  };
}

function ItemId({ element, id, list, prefix, itemId, extra }) {
  const injector = useService("injector");
  const translate = useService("translate");
  return h(TextFieldEntry, {
    element, id, label: translate("Id"), debounce: useService("debounceInput"),
    getValue: () => itemId,
    validate: (value) => (IDENTIFIER.test(value) ? null : translate("Lowercase letters, digits and _")),
    setValue: (value) => {
      if (!IDENTIFIER.test(value) || value === itemId) return;
      const ids = listProp(element, list).map((i) => (i === itemId ? value : i));
      renameProps(element, injector, prefix + "." + itemId + ".", prefix + "." + value + ".", {
        [list]: ids.join(" "), ...(extra ? extra(element, itemId, value) : {}),
      });
    },
  });
}

function decisionsGroup(element, injector, translate) {
  return itemsGroup(element, injector, translate, {
    list: "decisions", prefix: "decision", label: "Decisions (buttons)",
    defaults: (d) => ({ ["decision." + d + ".label.en"]: d }),
    onRemove: (el, d) => (prop(el, "bulk") === d ? { bulk: null } : {}),
    entries: (d) => [
      { id: "id", component: ItemId, list: "decisions", prefix: "decision", itemId: d,
        extra: (el, from, to) => (prop(el, "bulk") === from ? { bulk: to } : {}) },
      ...LANGUAGES.map((lang) => text("label-" + lang, "decision." + d + ".label." + lang, "Label (" + lang + ")")),
      text("event", "decision." + d + ".event", "History event"),
      check("comment", "decision." + d + ".comment", "A comment is required", { on: "required" }),
    ],
  });
}

function fieldsGroup(element, injector, translate, catalog) {
  return itemsGroup(element, injector, translate, {
    list: "fields", prefix: "field", label: "Form fields",
    defaults: (f) => ({ ["field." + f + ".type"]: catalog.field_types[0], ["field." + f + ".label.en"]: f }),
    entries: (f) => [
      { id: "id", component: ItemId, list: "fields", prefix: "field", itemId: f },
      select("type", "field." + f + ".type", "Type", () => catalog.field_types),
      text("options", "field." + f + ".options", "Choices, separated by spaces"),
      check("required", "field." + f + ".required", "Required"),
      ...LANGUAGES.map((lang) => text("label-" + lang, "field." + f + ".label." + lang, "Label (" + lang + ")")),
    ],
  });
}

// Service task: the operator (serviceTaskOperator id) and its parameters.
function operatorOf(element) {
  return extensionOf(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator");
}

function OperatorSelect({ element, id, catalog }) {
  const injector = useService("injector");
  const translate = useService("translate");
  return h(SelectEntry, {
    element, id, label: translate("Operator"),
    getValue: () => { const op = operatorOf(element); return op ? op.get("id") || "" : ""; },
    setValue: (value) => {
      const [op, commands] = ensureExtension(element, injector.get("bpmnFactory"), "spiffworkflow:ServiceTaskOperator");
      commands.push(update(element, op, { id: value }));
      run(injector, commands);
    },
    getOptions: () => {
      const op = operatorOf(element);
      const names = new Set(["", ...catalog.operators, ...(op && op.get("id") ? [op.get("id")] : [])]);
      return [...names].map((n) => ({ value: n, label: n || "—" }));
    },
  });
}

function ParamText({ element, id, parameter, attr, label }) {
  const commandStack = useService("commandStack");
  const translate = useService("translate");
  return h(TextFieldEntry, {
    element, id, label: translate(label), debounce: useService("debounceInput"),
    getValue: () => parameter.get(attr) || "",
    setValue: (value) => commandStack.execute("element.updateModdleProperties", { element, moddleElement: parameter, properties: { [attr]: value } }),
  });
}

function parametersGroup(element, injector, translate) {
  const op = operatorOf(element);
  const list = op && op.get("parameterList");
  const params = (list && list.get("parameters")) || [];
  return {
    id: "cartable-parameters", label: translate("Operator parameters"), component: ListGroup, element,
    items: params.map((p, i) => ({
      id: "parameter-" + i, label: p.get("id") || "",
      // (`key` is Preact's own prop, so the attribute's name travels as `attr`.)
      entries: [["id", "Name"], ["type", "Type"], ["value", "Value (an expression)"]].map(([attr, label]) => ({
        id: "parameter-" + i + "-" + attr, element, parameter: p, attr, label, component: ParamText, isEdited: isTextFieldEntryEdited,
      })),
      remove: (event) => {
        event.stopPropagation();
        run(injector, [update(element, list, { parameters: params.filter((x) => x !== p) })]);
      },
    })),
    add: (event) => {
      event.stopPropagation();
      const bpmnFactory = injector.get("bpmnFactory");
      const [operator, commands] = ensureExtension(element, bpmnFactory, "spiffworkflow:ServiceTaskOperator");
      let holder = operator.get("parameterList");
      if (!holder) {
        holder = bpmnFactory.create("spiffworkflow:Parameters", { parameters: [] });
        holder.$parent = operator;
        commands.push(update(element, operator, { parameterList: holder }));
      }
      const param = bpmnFactory.create("spiffworkflow:Parameter", { id: "param_" + (params.length + 1), type: "str", value: '""' });
      param.$parent = holder;
      commands.push(update(element, holder, { parameters: [...(holder.get("parameters") || []), param] }));
      run(injector, commands);
    },
  };
}

function ConditionText({ element, id }) {
  const injector = useService("injector");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  return h(TextFieldEntry, {
    element, id, label: translate("Condition (an expression)"), debounce: useService("debounceInput"),
    getValue: () => { const c = bo.get("conditionExpression"); return c ? c.get("body") || "" : ""; },
    setValue: (value) => {
      const condition = value ? injector.get("bpmnFactory").create("bpmn:FormalExpression", { body: value }) : undefined;
      if (condition) condition.$parent = bo;
      run(injector, [update(element, bo, { conditionExpression: condition })]);
    },
  });
}

function CalledProcess({ element, id, catalog }) {
  const injector = useService("injector");
  const translate = useService("translate");
  const bo = getBusinessObject(element);
  return h(SelectEntry, {
    element, id, label: translate("Process it calls"),
    getValue: () => bo.get("calledElement") || "",
    setValue: (value) => run(injector, [update(element, bo, { calledElement: value })]),
    getOptions: () => [...new Set(["", ...catalog.processes, bo.get("calledElement") || ""])].map((n) => ({ value: n, label: n || "—" })),
  });
}

function isConditional(element) {
  if (!is(element, "bpmn:SequenceFlow")) return false;
  const source = getBusinessObject(element).get("sourceRef");
  return !!source && (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway") || is(source, "bpmn:Activity"));
}

export default class CartablePropertiesProvider {
  constructor(propertiesPanel, injector, translate, catalog) {
    propertiesPanel.registerProvider(500, this);
    this._injector = injector;
    this._translate = translate;
    this._catalog = catalog;
    LANGUAGES = catalog.languages;
  }

  getGroups(element) {
    return (groups) => {
      const translate = this._translate, injector = this._injector, catalog = this._catalog;
      const mine = [];
      if (!is(element, "bpmn:Process") && !is(element, "bpmn:Collaboration") && element.type !== "label") {
        mine.push(namesGroup(element, translate));
      }
      if (is(element, "bpmn:Lane")) mine.push(laneGroup(element, translate, catalog));
      if (is(element, "bpmn:UserTask")) {
        mine.push(
          decisionsGroup(element, injector, translate),
          stepGroup(element, translate, catalog),
          fieldsGroup(element, injector, translate, catalog),
        );
      }
      if (is(element, "bpmn:ServiceTask")) {
        mine.push({ id: "cartable-operator", label: translate("Operator"), component: Group,
          entries: [{ id: "operator", element, catalog, component: OperatorSelect, isEdited: isSelectEntryEdited }] });
        mine.push(parametersGroup(element, injector, translate));
      }
      if (isConditional(element)) {
        mine.push({ id: "cartable-condition", label: translate("Condition"), component: Group,
          entries: [{ id: "condition", element, component: ConditionText, isEdited: isTextFieldEntryEdited }] });
      }
      if (is(element, "bpmn:CallActivity")) {
        mine.push({ id: "cartable-call", label: translate("Called process"), component: Group,
          entries: [{ id: "called-process", element, catalog, component: CalledProcess, isEdited: isSelectEntryEdited }] });
      }
      // Ours first after "General", so a designer sees them without scrolling.
      const general = groups.findIndex((g) => g.id === "general");
      groups.splice(general + 1, 0, ...mine.filter(Boolean));
      return groups;
    };
  }
}

CartablePropertiesProvider.$inject = ["propertiesPanel", "injector", "translate", "config.cartableCatalog"];
