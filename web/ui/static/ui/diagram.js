// Draw a process instance with bpmn-js: current elements highlighted, the path marked (E4).
(function () {
  function markPath(viewer, path, current) {
    const registry = viewer.get("elementRegistry");
    const canvas = viewer.get("canvas");
    const done = new Set(path);
    const now = new Set(current);
    done.forEach((id) => { if (registry.get(id) && !now.has(id)) canvas.addMarker(id, "done"); });
    now.forEach((id) => { if (registry.get(id)) canvas.addMarker(id, "current"); });
    // A sequence flow was taken when both of its ends were reached.
    registry.filter((el) => el.type === "bpmn:SequenceFlow").forEach((flow) => {
      const s = flow.businessObject.sourceRef, t = flow.businessObject.targetRef;
      if (s && t && done.has(s.id) && (done.has(t.id) || now.has(t.id))) canvas.addMarker(flow.id, "done");
    });
  }

  // Draw each element's name in the page's language (issue 13 §3): its `label.<lang>`
  // property (read here as the viewer's generic extension element), else its name.
  function localizeNames(viewer) {
    const lang = document.documentElement.lang || "en";
    viewer.on("import.parse.complete", (event) => {
      Object.values(event.elementsById || {}).forEach((bo) => {
        const values = (bo.extensionElements && bo.extensionElements.values) || [];
        const props = values.find((v) => v.$type === "spiffworkflow:properties");
        const label = ((props && props.$children) || []).find((p) => p.name === "label." + lang);
        if (label && label.value) bo.name = label.value;
      });
    });
  }

  // Fetch the holder's JSON, draw each BPMN file it lists, and let `mark` decorate each.
  async function drawFiles(holder, url, mark) {
    holder.textContent = holder.dataset.loading;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      holder.textContent = "";
      for (const [name, xml] of Object.entries(data.files)) {
        const box = document.createElement("div");
        box.className = "diagram";
        box.dataset.file = name;
        holder.appendChild(box);
        const viewer = new BpmnJS({ container: box });
        localizeNames(viewer);
        await viewer.importXML(xml);
        viewer.get("canvas").zoom("fit-viewport", "auto");
        mark(viewer, data);
      }
      holder.dataset.ready = "true";
    } catch (error) {
      holder.textContent = holder.dataset.failed;
      holder.dataset.ready = "error";
    }
  }

  // A version's diagram with what its instances do (issue 13 §4): badges with the
  // waiting tokens and the open incidents per element, and a colour by median time.
  function markActivity(viewer, data, holder) {
    const registry = viewer.get("elementRegistry");
    const overlays = viewer.get("overlays");
    const canvas = viewer.get("canvas");
    const badge = (id, cls, text, position) => {
      if (!registry.get(id)) return;
      const span = document.createElement("span");
      span.className = "overlay-badge " + cls;
      span.dataset.element = id;
      span.textContent = text;
      overlays.add(id, { position, html: span });
    };
    Object.entries(data.tokens).forEach(([id, n]) => badge(id, "tokens", String(n), { bottom: 10, left: -8 }));
    Object.entries(data.incidents).forEach(([id, n]) => badge(id, "incidents", String(n), { top: -8, right: 10 }));
    const longest = Math.max(0, ...Object.values(data.median_seconds));
    Object.entries(data.median_seconds).forEach(([id, secs]) => {
      if (!registry.get(id) || longest <= 0) return;
      const level = Math.min(4, Math.floor((secs / longest) * 4)); // 0 (short) .. 4 (longest)
      canvas.addMarker(id, "slow-" + level);
      badge(id, "median", holder.dataset.median + ": " + data.median_labels[id], { bottom: -14, left: 0 });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-bpmn-instance]").forEach((holder) =>
      drawFiles(holder, holder.dataset.bpmnInstance, (viewer, data) => markPath(viewer, data.path, data.current)));
    document.querySelectorAll("[data-bpmn-activity]").forEach((holder) =>
      drawFiles(holder, holder.dataset.bpmnActivity, (viewer, data) => markActivity(viewer, data, holder)));
  });
})();
