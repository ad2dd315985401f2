/* The network diagram: reads the nodes and edges the server embedded as JSON and draws them
   with vis-network. Every text is set as plain text (textContent), never as HTML. */
(function () {
  "use strict";
  var container = document.getElementById("network");
  var source = document.getElementById("network-data");
  if (!container || !source || typeof vis === "undefined") { return; }
  var payload = JSON.parse(source.textContent);
  var status = document.getElementById("network-status");

  function say(message) { if (status) { status.textContent = message; } }

  function tooltip(text) {
    var element = document.createElement("div");
    element.textContent = text;
    return element;
  }

  var faded = {};
  payload.nodes.forEach(function (n) { if (n.faded) { faded[n.id] = true; } });

  var nodes = new vis.DataSet(payload.nodes.map(function (n) {
    var node = {
      id: n.id, label: n.label, title: tooltip(n.title), shape: n.shape,
      color: { background: n.color, border: "#444444",
               highlight: { background: n.color, border: "#000000" } },
      url: n.url
    };
    if (typeof n.value === "number") { node.value = n.value; }
    // the overview's municipalities: a box with a large name, not scaled by a value
    if (typeof n.fontSize === "number") { node.font = { size: n.fontSize }; }
    if (n.faded) {
      // outside the focused neighbourhood: still there, but in the background
      node.opacity = 0.15;
      node.font = { color: "rgba(31, 35, 40, 0.25)" };
    }
    if (typeof n.x === "number") { node.x = n.x; node.y = n.y; }
    return node;
  }));
  var edges = new vis.DataSet(payload.edges.map(function (e, i) {
    var edge = { id: i, from: e.from, to: e.to, title: tooltip(e.title), dashes: e.dashes };
    if (faded[e.from] || faded[e.to]) { edge.color = { color: "rgba(154, 164, 174, 0.15)" }; }
    return edge;
  }));

  var options = {
    nodes: {
      font: { size: 14, face: "system-ui, sans-serif", color: "#1f2328",
              strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { min: 8, max: 30, label: { enabled: true, min: 11, max: 16, drawThreshold: 8 } },
      borderWidth: 1
    },
    edges: { color: { color: "#9aa4ae", highlight: "#1f2328" }, width: 1, smooth: false },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: true },
    physics: payload.physics ? {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -80, springLength: 110, avoidOverlap: 0.6 },
      stabilization: { enabled: true, iterations: 200, updateInterval: 50, fit: true }
    } : false,
    layout: { randomSeed: 7, improvedLayout: payload.nodes.length <= 150 }
  };

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.ikgNetwork = network;  // for tests and the browser console

  network.on("beforeDrawing", function (ctx) {
    // a white background, so the PNG export is not transparent
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });

  var ready = false;
  function markReady() {
    if (ready) { return; }
    ready = true;
    network.setOptions({ physics: false });
    if (payload.focus) {
      var near = nodes.getIds().filter(function (id) { return !faded[id]; });
      network.fit({ nodes: near, animation: false });
      network.selectNodes([payload.focus.id]);
      container.setAttribute("data-highlighted-count", String(near.length));
      say("Umgebung von „" + nodes.get(payload.focus.id).label + "“ (" + payload.focus.steps +
          (payload.focus.steps === 1 ? " Schritt" : " Schritte") + "): " + near.length +
          " von " + nodes.length + " Knoten hervorgehoben.");
    } else {
      network.fit();
    }
    container.setAttribute("data-node-count", String(nodes.length));
    container.setAttribute("data-edge-count", String(edges.length));
    container.setAttribute("data-ready", "true");
  }
  network.once("stabilizationIterationsDone", markReady);
  network.once("afterDrawing", function () { if (!payload.physics) { markReady(); } });
  // safety net: an empty graph or an already stable one may not report stabilisation
  window.setTimeout(markReady, 4000);

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) {
      var node = nodes.get(params.nodes[0]);
      if (node && node.url) { window.location.assign(node.url); }
    }
  });
  network.on("hoverNode", function () { container.style.cursor = "pointer"; });
  network.on("blurNode", function () { container.style.cursor = "default"; });

  function find() {
    var input = document.getElementById("node-search");
    var wanted = (input.value || "").trim().toLocaleLowerCase("de");
    if (!wanted) { return; }
    var match = nodes.get({
      filter: function (n) { return n.label.toLocaleLowerCase("de").indexOf(wanted) !== -1; }
    });
    if (!match.length) {
      container.removeAttribute("data-focused-node");
      say("Nichts gefunden für „" + input.value + "“.");
      return;
    }
    match.sort(function (a, b) { return a.label.length - b.label.length; });
    var hit = match[0];
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: 1.6, animation: false });
    container.setAttribute("data-focused-node", hit.id);
    // offer the found node as the focus of the next view
    var focusSelect = document.getElementById("focus-node");
    var shortId = hit.id.indexOf("/id/") !== -1 ? hit.id.split("/id/")[1] : "";
    if (focusSelect && shortId) { focusSelect.value = shortId; }
    say("Gefunden: " + hit.label + (match.length > 1 ? " (und " + (match.length - 1) +
        " weitere Treffer)" : ""));
  }
  document.getElementById("node-search-button").addEventListener("click", find);
  document.getElementById("node-search").addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); find(); }
  });

  document.getElementById("download-png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    if (!canvas) { return; }
    var link = document.createElement("a");
    link.href = canvas.toDataURL("image/png");
    link.download = container.getAttribute("data-png-name") || "netzwerk.png";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
})();
