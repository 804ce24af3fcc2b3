/* The account workspace's page script: the org map (vis-network, served by the app), picking a
   person to see the paths to them, and logging work through the app's own GraphQL mutations.
   Everything goes to this origin only: POST /graphql with the session's CSRF token. */
(function () {
  "use strict";

  var status = document.getElementById("ws-status");
  var errors = 0;
  function mark(name, value) { if (status) { status.setAttribute("data-" + name, String(value)); } }
  window.addEventListener("error", function () { errors += 1; mark("errors", errors); });

  var source = document.getElementById("ws-data");
  if (!source) { return; }
  var page = JSON.parse(source.textContent);
  var T = page.i18n || {};
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function tr(key, values) {
    var text = T[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  function graphql(query, variables) {
    return fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify({ query: query, variables: variables })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok && !body.data) { throw new Error(body.error || (body.errors && body.errors[0].message) || response.statusText); }
        if (body.errors && body.errors.length) { throw new Error(body.errors[0].message); }
        return body.data;
      });
    });
  }

  // -- the org map ---------------------------------------------------------------------------

  var map = page.map;
  var nodes = new vis.DataSet(map.nodes);
  var edges = new vis.DataSet(map.edges);
  var container = document.getElementById("ws-map");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, map.options);
  var clustered = {};
  // For whoever inspects the page (a browser test finds a node's place on the screen).
  window.abmWorkspace = { network: network, nodes: nodes, edges: edges };

  function unitOf(nodeId) {
    var node = nodes.get(nodeId);
    if (!node || node.kind !== "person") { return undefined; }
    var person = page.people[node.personId];
    return person && person.bu && page.units[person.bu] ? person.bu : "";
  }

  function collapse() {
    var groups = {};
    nodes.forEach(function (n) { var u = unitOf(n.id); if (u !== undefined) { groups[u] = (groups[u] || 0) + 1; } });
    Object.keys(groups).forEach(function (unit) {
      var id = "cluster:" + (unit || "company");
      if (clustered[id] || groups[unit] < 2) { return; }
      var name = unit ? page.units[unit] : tr("company_wide");
      network.cluster({
        joinCondition: function (n) { return unitOf(n.id) === unit && !n.hidden; },
        clusterNodeProperties: {
          id: id, kind: "cluster", label: name + "\n" + tr("people_count", { count: groups[unit] }),
          shape: "box", margin: 14, font: { size: 22, face: map.options.nodes.font.face },
          color: { background: "#e8eef6", border: "#34568b" }, borderWidth: 2
        }
      });
      clustered[id] = true;
    });
    arrange();
    firstView();
    mark("clusters", Object.keys(clustered).length);
  }

  // Grouped, the units sit in a compact grid, our team in a row above, open deals below, so
  // that the first view shows every group at a legible size.
  var GRID_X = 300, GRID_Y = 150, COLUMNS = 3;
  function isGrouped() { return Object.keys(clustered).length > 0; }
  function side(kind) { return nodes.get({ filter: function (n) { return n.kind === kind; } }); }
  function arrange() {
    var groups = Object.keys(clustered).filter(function (id) { return network.isCluster(id); });
    groups.forEach(function (id, i) { network.moveNode(id, (i % COLUMNS) * GRID_X, Math.floor(i / COLUMNS) * GRID_Y); });
    var rows = Math.ceil(groups.length / COLUMNS);
    var perRow = Math.max(COLUMNS, Math.floor(COLUMNS * GRID_X / 220));
    side("member").forEach(function (n, i) { network.moveNode(n.id, (i % perRow) * 220, -GRID_Y - Math.floor(i / perRow) * 70); });
    side("deal").forEach(function (n, i) { network.moveNode(n.id, (i % perRow) * 240, rows * GRID_Y + Math.floor(i / perRow) * 80); });
  }
  function unarrange() {
    side("member").concat(side("deal")).forEach(function (n) { network.moveNode(n.id, n.x, n.y); });
  }

  function expand() {
    Object.keys(clustered).forEach(function (id) { if (network.isCluster(id)) { network.openCluster(id); } });
    clustered = {};
    unarrange();
    firstView();
    mark("clusters", 0);
  }

  // The groups move as one: opening one (a click, a search, a path into it) opens them all
  // at their places on the map, and "group by unit" folds them again.
  function openClusterOf(nodeId) {
    var inside = Object.keys(clustered).some(function (id) {
      return network.isCluster(id) && network.getNodesInCluster(id).indexOf(nodeId) >= 0;
    });
    if (inside) { expand(); }
  }
  function node0(clusterId) { return network.getNodesInCluster(clusterId)[0]; }

  network.on("beforeDrawing", function (ctx) {
    if (Object.keys(clustered).length) { return; }  // grouped: the lanes are the groups
    (map.lanes || []).forEach(function (lane) {
      ctx.fillStyle = lane.color;
      ctx.fillRect(lane.x0, lane.y0, lane.x1 - lane.x0, lane.y1 - lane.y0);
      ctx.fillStyle = "#34495e";
      ctx.font = "bold 16px " + map.options.nodes.font.face;
      ctx.fillText(lane.label, lane.x0 + 8, lane.y0 + 22);
    });
  });

  network.on("click", function (event) {
    if (!event.nodes.length) { return; }
    var id = event.nodes[0];
    if (network.isCluster(id)) { var first = node0(id); expand(); network.focus(first, { scale: 0.9, animation: false }); return; }
    var node = nodes.get(id);
    if (node && node.kind === "person") { pick(node.personId); }
  });

  document.getElementById("ws-expand").addEventListener("click", expand);
  document.getElementById("ws-collapse").addEventListener("click", collapse);

  // Role holders only: people with no buying role leave the map and the people list.
  document.getElementById("ws-role-holders").addEventListener("change", function (event) {
    var only = event.target.checked;
    var wasClustered = Object.keys(clustered).length > 0;
    if (wasClustered) { expand(); }
    nodes.update(nodes.get({ filter: function (n) { return n.kind === "person"; } }).map(function (n) {
      var person = page.people[n.personId] || { roles: [] };
      return { id: n.id, hidden: only && person.roles.length === 0 };
    }));
    document.querySelectorAll("[data-person-row]").forEach(function (row) {
      row.hidden = only && !row.getAttribute("data-roles");
    });
    if (wasClustered) { collapse(); }
    mark("shown", nodes.get({ filter: function (n) { return n.kind === "person" && !n.hidden; } }).length);
  });

  // Search: the matching people are selected on the map and kept in the list.
  document.getElementById("ws-search").addEventListener("input", function (event) {
    var q = event.target.value.trim().normalize("NFKC").toLowerCase();
    var found = [];
    Object.keys(page.people).forEach(function (pid) {
      var name = page.people[pid].name.normalize("NFKC").toLowerCase();
      if (q && name.indexOf(q) >= 0) { found.push("p:" + pid); }
    });
    document.querySelectorAll("[data-person-row]").forEach(function (row) {
      var pid = row.getAttribute("data-person-row");
      row.classList.toggle("ws-match", q !== "" && found.indexOf("p:" + pid) >= 0);
      if (q && found.indexOf("p:" + pid) >= 0) { row.closest("details").open = true; }
    });
    found.forEach(openClusterOf);
    var present = found.filter(function (id) { return nodes.get(id); });
    network.selectNodes(present);
    if (present.length === 1) { network.focus(present[0], { scale: 1.1, animation: false }); }
    else if (present.length > 1) { network.fit({ nodes: present, animation: false }); }
    mark("found", present.length);
  });

  // -- picking a person: the strongest paths to them -----------------------------------------

  var PATHS = "query WorkspacePaths($accountId: ID!, $target: ID!, $asOf: Date) {" +
    " influencePaths(accountId: $accountId, targetPersonId: $target, asOf: $asOf) {" +
    " __typename ... on NotFound { message }" +
    " ... on InfluencePaths { targetPersonId" +
    " paths { memberId strength member { fullName } hops { fromId fromKind toPersonId strength reason person { fullName } } }" +
    " introducers { memberId firstPersonId strength paths } } } }";

  var PINK = "#ff1493";  // viz.org_map's PATH_COLOR
  function personName(pid) { return (page.people[pid] || {}).name || pid; }
  function memberName(mid) { return page.members[mid] || mid; }

  function clearPaths() {
    edges.remove(edges.get({ filter: function (e) { return e.kind === "picked"; } }).map(function (e) { return e.id; }));
  }

  function pick(pid) {
    mark("picked", pid);
    mark("paths-ready", 0);
    document.querySelectorAll(".ws-person.ws-picked").forEach(function (b) { b.classList.remove("ws-picked"); });
    document.querySelectorAll('.ws-person[data-person="' + CSS.escape(pid) + '"]').forEach(function (b) { b.classList.add("ws-picked"); });
    var list = document.getElementById("ws-path-list");
    var introducers = document.getElementById("ws-introducers");
    var empty = document.getElementById("ws-paths-empty");
    empty.textContent = tr("loading", { name: personName(pid) });
    graphql(PATHS, { accountId: page.accountId, target: pid, asOf: page.asOf }).then(function (data) {
      var answer = data.influencePaths;
      clearPaths();
      list.textContent = "";
      introducers.textContent = "";
      if (answer.__typename !== "InfluencePaths") { empty.textContent = answer.message; mark("paths", 0); return; }
      var drawn = [];
      answer.paths.forEach(function (path, i) {
        var rank = i + 1;
        var item = document.createElement("li");
        var head = document.createElement("strong");
        head.textContent = tr("path_head", { rank: rank, strength: path.strength.toFixed(2), member: path.member ? path.member.fullName : memberName(path.memberId) });
        item.appendChild(head);
        var hops = document.createElement("ol");
        path.hops.forEach(function (hop) {
          var from = hop.fromKind === "member" ? "m:" + hop.fromId : "p:" + hop.fromId;
          var to = "p:" + hop.toPersonId;
          openClusterOf(from); openClusterOf(to);
          if (nodes.get(from) && nodes.get(to)) {
            drawn.push({ id: "picked-" + rank + "-" + from + "-" + to, from: from, to: to, kind: "picked",
              color: { color: PINK, highlight: PINK, hover: PINK, opacity: rank === 1 ? 1 : 0.7 }, width: rank === 1 ? 7 : 4,
              arrows: { to: { enabled: true } }, label: "#" + rank, font: { color: PINK, size: 14, strokeWidth: 3 },
              smooth: { enabled: true, type: "curvedCCW", roundness: 0.15 + 0.05 * rank } });
          }
          var step = document.createElement("li");
          var who = hop.fromKind === "member" ? memberName(hop.fromId) : personName(hop.fromId);
          step.textContent = tr("hop", { from: who, to: hop.person ? hop.person.fullName : personName(hop.toPersonId), reason: hop.reason, strength: hop.strength.toFixed(2) });
          hops.appendChild(step);
        });
        item.appendChild(hops);
        list.appendChild(item);
      });
      answer.introducers.forEach(function (intro) {
        var li = document.createElement("li");
        li.textContent = tr("introducer", { member: memberName(intro.memberId), first: personName(intro.firstPersonId), strength: intro.strength.toFixed(2), paths: intro.paths });
        introducers.appendChild(li);
      });
      edges.add(drawn);
      empty.textContent = answer.paths.length ? tr("paths_to", { name: personName(pid) }) : tr("no_path", { name: personName(pid) });
      var shown = drawn.reduce(function (ids, e) { ids.push(e.from, e.to); return ids; }, ["p:" + pid]).filter(function (id) { return nodes.get(id); });
      if (shown.length) {
        network.selectNodes(["p:" + pid].filter(function (id) { return nodes.get(id); }));
        network.fit({ nodes: shown, animation: false });
        if (network.getScale() < LEGIBLE && nodes.get("p:" + pid)) {
          network.focus("p:" + pid, { scale: LEGIBLE, animation: false });
        }
      }
      mark("paths", answer.paths.length);
      mark("path-edges", drawn.length);
      mark("paths-ready", 1);
    }).catch(function (error) {
      empty.textContent = tr("failed", { reason: error.message });
      mark("paths-ready", -1);
    });
  }

  document.querySelectorAll("button.ws-person[data-person]").forEach(function (button) {
    button.addEventListener("click", function () { pick(button.getAttribute("data-person")); });
  });

  // -- logging the work: the app's GraphQL mutations ------------------------------------------

  var message = document.getElementById("ws-log-message");
  function say(text, ok) {
    if (!message) { return; }
    message.hidden = false;
    message.textContent = text;
    message.classList.toggle("ws-ok", !!ok);
    message.scrollIntoView({ block: "nearest" });
  }
  function refused(answer) {
    if (answer.errors && answer.errors.length) {
      return answer.message + ": " + answer.errors.map(function (e) { return e.field + " " + e.message; }).join("; ");
    }
    return answer.message || answer.__typename;
  }
  function submitted(field, okType) {
    return function (data) {
      var answer = data[field];
      if (answer.__typename === okType) { say(tr("saved"), true); window.location.reload(); }
      else { say(refused(answer), false); }
    };
  }
  function failed(error) { say(tr("failed", { reason: error.message }), false); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  var RESULT = " __typename ... on InvalidInput { message errors { field message } }" +
    " ... on NotFound { message } ... on Forbidden { message }";
  var LOG_TOUCH = "mutation WorkspaceLogTouch($key: String!, $personId: ID!, $type: TouchType!," +
    " $occurredAt: DateTime!, $direction: Direction, $notes: String, $memberId: ID) {" +
    " logTouch(input: {idempotencyKey: $key, personId: $personId, type: $type, occurredAt: $occurredAt," +
    " direction: $direction, notes: $notes, memberId: $memberId}) {" + RESULT +
    " ... on TouchLogged { created touch { id } } } }";
  var COMPLETE = "mutation WorkspaceCompleteAction($id: ID!) { completeNextAction(id: $id) {" + RESULT +
    " ... on NextActionSaved { nextAction { id status } } } }";
  var SET_ROLE = "mutation WorkspaceSetRole($personId: ID!, $role: Role!, $buId: ID, $since: Date) {" +
    " setBuyingRole(input: {personId: $personId, role: $role, buId: $buId, since: $since}) {" + RESULT +
    " ... on BuyingRoleSaved { person { id } } } }";

  var touchForm = document.getElementById("ws-log-touch");
  if (touchForm) {
    var when = touchForm.elements.occurredAt;
    var now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
    when.value = now.toISOString().slice(0, 16);
    touchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = touchForm.elements;
      var at = new Date(f.occurredAt.value);
      graphql(LOG_TOUCH, {
        key: uuid(), personId: f.personId.value, type: f.type.value,
        occurredAt: isNaN(at) ? f.occurredAt.value : at.toISOString(),
        direction: f.direction.value || null, notes: f.notes.value || null,
        memberId: (f.memberId && f.memberId.value) || page.memberId || null
      }).then(submitted("logTouch", "TouchLogged")).catch(failed);
    });
  }
  var roleForm = document.getElementById("ws-set-role");
  if (roleForm) {
    roleForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = roleForm.elements;
      graphql(SET_ROLE, { personId: f.personId.value, role: f.role.value, buId: f.buId.value || null, since: f.since.value || null })
        .then(submitted("setBuyingRole", "BuyingRoleSaved")).catch(failed);
    });
  }
  document.querySelectorAll("button.ws-complete").forEach(function (button) {
    button.addEventListener("click", function () {
      graphql(COMPLETE, { id: button.getAttribute("data-action") })
        .then(submitted("completeNextAction", "NextActionSaved")).catch(failed);
    });
  });

  // -- first view ------------------------------------------------------------------------------

  // The whole map when its labels stay legible; else the account's people at a legible zoom
  // (the map pans and zooms; "fit" shows it all).
  var LEGIBLE = 0.8;
  function firstView() {
    network.fit({ animation: false });
    if (network.getScale() < LEGIBLE) { legibleZoom(); }
    mark("scale", network.getScale().toFixed(3));
  }
  function legibleZoom() {
    var ids = network.body.nodeIndices.filter(function (id) {
      var n = nodes.get(id);
      return network.isCluster(id) || (n && (n.kind === "person" || (isGrouped() && n.kind === "member")));
    });
    var at = network.getPositions(ids);
    var xs = ids.map(function (id) { return at[id].x; });
    var ys = ids.map(function (id) { return at[id].y; });
    if (!xs.length) { return; }
    var x = (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2;
    var y = Math.min.apply(null, ys) + container.clientHeight / (2 * LEGIBLE) - 60;
    network.moveTo({ position: { x: x, y: y }, scale: LEGIBLE, animation: false });
  }
  document.getElementById("ws-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  network.once("afterDrawing", function () {
    mark("ready", 1);
    mark("errors", errors);
  });
  if (page.big) { collapse(); } else { firstView(); }
  mark("nodes", nodes.length);
  mark("edges", edges.length);
})();
