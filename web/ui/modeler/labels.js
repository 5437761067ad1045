// Draw each element's name in the page's language (issue 13 §3): an element's
// `label.<lang>` property, else its `name`. Only the drawing changes; the XML keeps both.
import BaseRenderer from "diagram-js/lib/draw/BaseRenderer";
import { localName } from "./model";

function withName(bo, name, draw) {
  const kept = bo.name;
  bo.name = name;
  try {
    return draw();
  } finally {
    bo.name = kept;
  }
}

export default class LocalizedLabelRenderer extends BaseRenderer {
  constructor(eventBus, bpmnRenderer, config) {
    super(eventBus, 1500);
    this._renderer = bpmnRenderer;
    this._lang = (config && config.lang) || "en";
  }

  canRender(element) {
    return !!localName(element.businessObject, this._lang) && this._renderer.canRender(element);
  }

  drawShape(parent, element) {
    const bo = element.businessObject;
    return withName(bo, localName(bo, this._lang), () => this._renderer.drawShape(parent, element));
  }

  drawConnection(parent, element) {
    const bo = element.businessObject;
    return withName(bo, localName(bo, this._lang), () => this._renderer.drawConnection(parent, element));
  }

  getShapePath(shape) {
    return this._renderer.getShapePath(shape);
  }

  getConnectionPath(connection) {
    return this._renderer.getConnectionPath(connection);
  }
}

LocalizedLabelRenderer.$inject = ["eventBus", "bpmnRenderer", "config.localizedLabels"];
