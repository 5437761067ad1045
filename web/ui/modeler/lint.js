// bpmnlint in the page: the recommended rules plus Cartable's own (issue 13 §2): every
// user task in a lane that says who works it, every decision labelled, every service
// task naming a registered operator. Packed by hand (what bpmnlint-pack-config writes),
// so the rules are bundled and nothing is resolved at run time.
import { is } from "bpmnlint-utils";
import recommended from "bpmnlint/config/recommended";
import { extensionOf } from "./model";
import RECOMMENDED from "./rules";

function props(node) {
  const found = extensionOf(node, "spiffworkflow:Properties");
  const map = new Map();
  ((found && found.get("values")) || []).forEach((p) => map.set(p.get("name"), (p.get("value") || "").trim()));
  return map;
}

function list(value) {
  return (value || "").replace(/,/g, " ").split(/\s+/).filter(Boolean);
}

function lanesOf(laneSets, into) {
  (laneSets || []).forEach((set) => (set.lanes || []).forEach((lane) => {
    into.push(lane);
    lanesOf(lane.childLaneSet ? [lane.childLaneSet] : [], into);
  }));
  return into;
}

function flowElements(container, into) {
  (container.flowElements || []).forEach((el) => {
    into.push(el);
    if (el.flowElements) flowElements(el, into);
  });
  return into;
}

function laneRole(config) {
  function check(node, reporter) {
    if (!is(node, "bpmn:Process")) return;
    const laneOf = new Map();
    lanesOf(node.laneSets, []).forEach((lane) => (lane.flowNodeRef || []).forEach((ref) => laneOf.set(ref.id, lane)));
    flowElements(node, []).filter((el) => is(el, "bpmn:UserTask")).forEach((task) => {
      const lane = laneOf.get(task.id);
      if (!lane) return reporter.report(task.id, "A user task must be in a lane (a cartable)");
      const p = props(lane);
      const assignment = p.get("assignment");
      if (!list(p.get("role")).length && (!assignment || assignment === config.pool)) {
        reporter.report(task.id, "Its lane names no role: nobody would see this step");
      }
    });
  }
  return { check };
}

function decisionLabel(config) {
  function check(node, reporter) {
    if (!is(node, "bpmn:UserTask")) return;
    const p = props(node);
    list(p.get("decisions")).forEach((d) => {
      const labelled = config.languages.some((lang) => p.get("decision." + d + ".label." + lang));
      if (!labelled) reporter.report(node.id, "Decision " + d + " has no label");
    });
  }
  return { check };
}

function knownOperator(config) {
  const known = new Set((config && config.operators) || []);
  function check(node, reporter) {
    if (!is(node, "bpmn:ServiceTask")) return;
    const op = extensionOf(node, "spiffworkflow:ServiceTaskOperator");
    const name = op ? op.get("id") || "" : "";
    if (!name) reporter.report(node.id, "The service task names no operator");
    else if (!known.has(name)) reporter.report(node.id, "Unknown operator " + name);
  }
  return { check };
}

const OWN = { "lane-role": laneRole, "decision-label": decisionLabel, "known-operator": knownOperator };

function resolver(recommendedRules) {
  return {
    resolveRule(pkg, name) {
      if (pkg === "bpmnlint") return recommendedRules[name];
      if (pkg === "bpmnlint-plugin-cartable") return OWN[name];
      throw new Error("unknown rule " + pkg + "/" + name);
    },
    resolveConfig(pkg, name) {
      throw new Error("cannot resolve config " + name + " in " + pkg);
    },
  };
}

// The packed configuration bpmn-js-bpmnlint takes, given the registered operators.
export function lintConfig(catalog) {
  const { operators, languages } = catalog;
  const pool = catalog.pool;
  return {
    resolver: resolver(RECOMMENDED),
    config: {
      rules: {
        ...recommended.rules,
        // SpiffWorkflow runs a gateway that both joins and forks, and the shipped
        // diagrams use them (a resubmitted document re-enters the first gateway).
        "no-gateway-join-fork": "warn",
        "cartable/lane-role": ["error", { pool }],
        "cartable/decision-label": ["error", { languages }],
        "cartable/known-operator": ["error", { operators }],
      },
    },
  };
}
