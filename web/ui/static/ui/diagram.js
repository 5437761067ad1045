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

  async function draw(holder) {
    holder.textContent = holder.dataset.loading;
    try {
      const response = await fetch(holder.dataset.bpmnInstance, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      holder.textContent = "";
      for (const [name, xml] of Object.entries(data.files)) {
        const box = document.createElement("div");
        box.className = "diagram";
        box.dataset.file = name;
        holder.appendChild(box);
        const viewer = new BpmnJS({ container: box });
        await viewer.importXML(xml);
        viewer.get("canvas").zoom("fit-viewport", "auto");
        markPath(viewer, data.path, data.current);
      }
      holder.dataset.ready = "true";
    } catch (error) {
      holder.textContent = holder.dataset.failed;
      holder.dataset.ready = "error";
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-bpmn-instance]").forEach(draw);
  });
})();
