// Link chart: Cytoscape.js (served locally), expanding from any entity on click.
(function () {
  "use strict";
  const box = document.getElementById("chart");
  if (!box || typeof cytoscape === "undefined") return;
  const colours = { person: "#1f77b4", vehicle: "#d62728", phone: "#2ca02c", location: "#9467bd",
    organisation: "#8c564b", email: "#e377c2" };
  const cy = cytoscape({
    container: box,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 10, "width": 18, "height": 18,
        "background-color": (n) => colours[n.data("type")] || "#777", "text-valign": "bottom" } },
      { selector: "node.root", style: { "width": 28, "height": 28, "border-width": 3, "border-color": "#222" } },
      { selector: "edge", style: { "width": (e) => Math.min(1 + e.data("weight"), 8), "line-color": "#bbb" } },
    ],
  });
  const expanded = new Set();
  function expand(id) {
    if (expanded.has(id)) return Promise.resolve();
    expanded.add(id);
    return fetch("/api/entities/" + encodeURIComponent(id) + "/graph", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : { nodes: [], edges: [] }))
      .then((g) => {
        g.nodes.forEach((n) => { if (cy.getElementById(n.id).empty()) cy.add({ group: "nodes", data: n }); });
        g.edges.forEach((e) => {
          if (cy.getElementById(e.id).empty() && cy.getElementById(e.target + "|" + e.source).empty())
            cy.add({ group: "edges", data: e });
        });
        cy.layout({ name: "cose", animate: false, randomize: false }).run();
        box.dataset.nodes = String(cy.nodes().length);
      });
  }
  cy.on("tap", "node", (evt) => expand(evt.target.id()));
  cy.on("dbltap", "node", (evt) => { window.location.href = "/entities/" + encodeURIComponent(evt.target.id()); });
  const root = box.dataset.entity;
  expand(root).then(() => { cy.getElementById(root).addClass("root"); box.dataset.ready = "1"; });
})();
