// abmgraph's GraphiQL page (graph_service/api/graphiql.py): mounts GraphiQL, and where the
// service needs credentials asks for an API key, keeps it in this tab's sessionStorage and
// sends it as "Authorization: Bearer" with every GraphQL request. Nothing here loads anything
// from another origin (the page's Content Security Policy would refuse it).
(function () {
  "use strict";

  var STORAGE_KEY = "abmgraph.apiKey";
  var DEFAULT_QUERY = "{ accounts(first: 3) { edges { node { id name } } } }\n";
  var body = document.body;
  var endpoint = body.dataset.endpoint;
  var needsKey = body.dataset.auth === "key";
  var form = document.getElementById("abm-key-form");
  var input = document.getElementById("abm-key");
  var status = document.getElementById("abm-key-status");
  var forget = document.getElementById("abm-forget");
  var container = document.getElementById("graphiql");
  var root = null;
  var generation = 0; // which mount of GraphiQL is current

  function storedKey() {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) || "";
    } catch (e) {
      return "";
    }
  }

  function storeKey(key) {
    try {
      if (key) {
        window.sessionStorage.setItem(STORAGE_KEY, key);
      } else {
        window.sessionStorage.removeItem(STORAGE_KEY);
      }
    } catch (e) {
      // storage refused (private mode): the key lives as long as the page
    }
    memoryKey = key;
  }

  var memoryKey = storedKey();

  function note(text) {
    var p = document.createElement("p");
    p.className = "abm-note";
    p.textContent = text;
    return p;
  }

  function unmount() {
    if (root !== null) {
      root.unmount();
      root = null;
    }
  }

  function askForKey(message) {
    generation += 1;
    unmount();
    container.replaceChildren(
      note("This service requires credentials: enter an API key (abmgraph keys create) to use GraphiQL.")
    );
    form.hidden = false;
    forget.hidden = true;
    status.textContent = message || "";
    input.value = "";
    input.focus();
  }

  // Each mounted GraphiQL gets its own fetcher, bound to the key it was mounted with: a
  // request still under way when the key is refused or forgotten cannot ask again.
  function makeFetcher(key, mounted) {
    return async function fetcher(params, options) {
      var headers = {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
      };
      if (key) {
        headers.Authorization = "Bearer " + key;
      }
      Object.assign(headers, (options && options.headers) || {});
      var response = await window.fetch(endpoint, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(params),
        credentials: "omit",
      });
      var text = await response.text();
      var data;
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = { errors: [{ message: response.status + " " + text }] };
      }
      if (response.status === 401 && mounted === generation) {
        // Refused: the key is wrong or revoked, or the service started requiring one.
        needsKey = true;
        storeKey("");
        var reason = (data && data.error) || response.statusText;
        window.setTimeout(function () {
          askForKey("The key was refused: " + reason + ".");
        }, 0);
        generation += 1;
      }
      return data;
    };
  }

  function mount() {
    form.hidden = true;
    forget.hidden = !needsKey;
    status.textContent = needsKey
      ? "Sending the API key kept in this tab."
      : "This service runs open: no key needed.";
    unmount();
    generation += 1;
    container.replaceChildren();
    root = window.ReactDOM.createRoot(container);
    root.render(
      window.React.createElement(window.GraphiQL, {
        fetcher: makeFetcher(memoryKey, generation),
        defaultQuery: DEFAULT_QUERY,
        defaultEditorToolsVisibility: true,
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      })
    );
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var key = input.value.trim();
    if (!key) {
      status.textContent = "Enter a key.";
      return;
    }
    storeKey(key);
    input.value = "";
    mount();
  });

  forget.addEventListener("click", function () {
    storeKey("");
    askForKey("The key is forgotten.");
  });

  if (typeof window.GraphiQL !== "function" || !window.React || !window.ReactDOM) {
    container.replaceChildren(note("GraphiQL's scripts did not load: see the browser console."));
  } else if (needsKey && !memoryKey) {
    askForKey("");
  } else {
    mount();
  }
})();
