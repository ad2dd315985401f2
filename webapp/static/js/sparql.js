/* The SPARQL page: loads an example into the editor and runs the query against the endpoint
   with fetch(), then shows the answer. Every value is set as plain text (textContent), never
   as HTML: names in the graph come from outside. Without JavaScript the forms still work
   (the server renders the same page with the result). */
(function () {
  "use strict";
  var form = document.getElementById("sparql-form");
  var editor = document.getElementById("sparql-query");
  var examples = document.getElementById("sparql-example");
  var status = document.getElementById("sparql-status");
  var output = document.getElementById("sparql-result");
  var downloads = document.getElementById("sparql-downloads");
  if (!form || !editor || !status || !output) { return; }

  var ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  var FILES = {
    json: ["JSON", "ergebnis.json"], csv: ["CSV", "ergebnis.csv"],
    turtle: ["Turtle", "ergebnis.ttl"], ntriples: ["N-Triples", "ergebnis.nt"]
  };

  function element(name, text, className) {
    var node = document.createElement(name);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function say(parts) {
    clear(status);
    parts.forEach(function (part) { status.appendChild(part); });
  }

  function termText(term) {
    if (!term) { return ""; }
    return term.type === "bnode" ? "_:" + term.value : term.value;
  }

  function seconds(started) {
    return ((performance.now() - started) / 1000).toFixed(2).replace(".", ",") + " s";
  }

  function showDownloads(query, names) {
    if (!downloads) { return; }
    clear(downloads);
    downloads.appendChild(document.createTextNode("Herunterladen: "));
    names.forEach(function (name) {
      var link = element("a", FILES[name][0], "button");
      var params = new URLSearchParams({ query: query, format: name });
      link.href = form.getAttribute("action") + "?" + params.toString();
      link.setAttribute("download", FILES[name][1]);
      link.dataset.format = name;
      downloads.appendChild(link);
      downloads.appendChild(document.createTextNode(" "));
    });
    downloads.hidden = false;
  }

  function showTable(data) {
    var variables = data.head.vars || [];
    var rows = data.results.bindings || [];
    var table = element("table", undefined, "wide");
    var head = table.createTHead().insertRow();
    variables.forEach(function (name) {
      var th = element("th", name);
      th.scope = "col";
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (binding) {
      var row = body.insertRow();
      variables.forEach(function (name) { row.insertCell().textContent = termText(binding[name]); });
    });
    if (!rows.length) {
      var cell = body.insertRow().insertCell();
      cell.colSpan = Math.max(variables.length, 1);
      cell.textContent = "Keine Ergebnisse.";
    }
    output.appendChild(table);
    return rows.length;
  }

  function truncatedNote(response) {
    if (response.headers.get("X-IKG-Truncated") !== "true") { return null; }
    var cap = response.headers.get("X-IKG-Row-Cap") || "?";
    var note = element("p", "Gekürzt: Das Ergebnis hat mehr als " + cap +
      " Zeilen; gezeigt werden die ersten " + cap + " (Höchstzahl IKG_ROW_CAP).", "badge");
    note.id = "sparql-truncated";
    return note;
  }

  function run(event) {
    if (event) { event.preventDefault(); }
    var query = editor.value;
    var started = performance.now();
    clear(output);
    if (downloads) { downloads.hidden = true; }
    say([element("p", "Läuft …", "note")]);
    history.replaceState(null, "", form.getAttribute("action") + "?" +
      new URLSearchParams({ query: query }).toString());
    fetch(form.getAttribute("action"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT },
      body: new URLSearchParams({ query: query })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        return response.text().then(function (text) {
          var message = text || response.statusText;
          try {
            var body = JSON.parse(text);
            if (body && body.error) { message = body.error.message; }
          } catch (ignored) { /* not JSON: show the text as it came */ }
          var alert = element("p", "Fehler (" + response.status + "): " + message, "error-message");
          alert.setAttribute("role", "alert");
          say([alert]);
        });
      }
      var note = truncatedNote(response);
      if (type.indexOf("text/turtle") === 0) {
        return response.text().then(function (text) {
          output.appendChild(element("pre", text, "sparql-graph"));
          say([element("p", "Tripel (Turtle) · " + seconds(started))].concat(note ? [note] : []));
          showDownloads(query, ["turtle", "ntriples"]);
        });
      }
      return response.json().then(function (data) {
        var line;
        if (typeof data.boolean === "boolean") {
          line = element("p", "Ergebnis: ");
          line.appendChild(element("strong", data.boolean ? "ja (true)" : "nein (false)"));
          line.appendChild(document.createTextNode(" · " + seconds(started)));
        } else {
          var count = showTable(data);
          line = element("p", count + (count === 1 ? " Zeile" : " Zeilen") + " · " +
            seconds(started));
        }
        line.id = "sparql-summary";
        say([line].concat(note ? [note] : []));
        showDownloads(query, ["json", "csv"]);
      });
    }).catch(function (error) {
      say([element("p", "Die Abfrage konnte nicht gesendet werden: " + error, "error-message")]);
    });
  }

  form.addEventListener("submit", run);
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { run(event); }
  });
  if (examples) {
    examples.addEventListener("change", function () {
      var chosen = examples.options[examples.selectedIndex];
      if (chosen && chosen.dataset.query) { editor.value = chosen.dataset.query; editor.focus(); }
    });
  }
}());
