/* GraphiQL for this API (graphiql/page.py serves it, with the vendored bundles before it).
 *
 * Queries and mutations go over HTTP POST to this page's URL; subscriptions over
 * graphql-transport-ws at the same URL, signed in by the same headers: what the Headers tab
 * holds is connection_init's payload ({"Authorization": "Bearer ..."}, the key the server
 * reads). GraphiQL's own WebSocket fetcher is not in its browser bundle, and it would retry a
 * refused token for half a minute in silence: this one shows the refusal at once.
 */
(function () {
  "use strict";

  var httpUrl = location.origin + location.pathname;
  var wsUrl =
    (location.protocol === "https:" ? "wss://" : "ws://") + location.host + location.pathname;
  var FORBIDDEN = 4403; // graphql-transport-ws: connection_init refused

  var STARTING_QUERY = [
    "# GraphiQL for the project-operations finance API.",
    "#",
    "# Every operation needs an access token: open the",
    "# Headers tab below and put",
    '#   {"Authorization": "Bearer <token>"}',
    "# there (`make run` prints demo tokens).",
    "# Subscriptions are signed in by the same header: they",
    "# run over a WebSocket at this same URL.",
    "#",
    "# The Explorer (left sidebar) builds operations by",
    "# clicking; the Docs describe every type and field.",
    "# Run with the play button or Ctrl-Enter.",
    "",
    "query Me {",
    "  me {",
    "    id",
    "    roles",
    "    legalEntities { code name }",
    "  }",
    "}",
    "",
    "# A subscription stays open and shows each change as it",
    "# happens; run this one on its own:",
    "#   subscription { journalStatusChanges { typeName id status } }",
  ].join("\n");

  var http = GraphiQL.createFetcher({ url: httpUrl });

  function operationOf(documentAST, operationName) {
    var operations = ((documentAST && documentAST.definitions) || []).filter(function (d) {
      return d.kind === "OperationDefinition";
    });
    if (operationName) {
      return operations.find(function (op) {
        return op.name && op.name.value === operationName;
      });
    }
    return operations.length === 1 ? operations[0] : undefined;
  }

  // What the result pane shows when the socket ends before the subscription did.
  function failure(error) {
    if (Array.isArray(error)) {
      return { errors: error }; // the server's `error` message: GraphQL errors
    }
    if (error && typeof error.code === "number") {
      var reason = error.reason ? " " + error.reason : "";
      var message =
        error.code === FORBIDDEN
          ? "The server refused the subscription's connection (WebSocket closed with " +
            FORBIDDEN + reason + "): the token in the Headers tab is missing, invalid or" +
            ' expired, or its access has ended. Put {"Authorization": "Bearer <token>"} there' +
            " and run it again."
          : "The subscription's WebSocket closed (" + error.code + reason + ").";
      var extensions = { code: "WEBSOCKET_CLOSED", closeCode: error.code, closeReason: error.reason };
      return { errors: [{ message: message, extensions: extensions }] };
    }
    return {
      errors: [
        {
          message:
            "The subscription's WebSocket failed" +
            (error && error.message ? ": " + error.message : ": is the server running?"),
          extensions: { code: "WEBSOCKET_ERROR" },
        },
      ],
    };
  }

  // An Observable GraphiQL subscribes to: one socket per subscription, closed with it.
  function subscription(params, headers) {
    return {
      subscribe: function (observer) {
        var client = graphqlWs.createClient({
          url: wsUrl,
          connectionParams: headers || {},
          retryAttempts: 0,
        });
        var stop = client.subscribe(params, {
          next: function (result) {
            observer.next(result);
          },
          error: function (error) {
            observer.next(failure(error));
            observer.complete();
            client.dispose();
          },
          complete: function () {
            observer.complete();
            client.dispose();
          },
        });
        return {
          unsubscribe: function () {
            stop();
            client.dispose();
          },
        };
      },
    };
  }

  function fetcher(params, options) {
    var operation = operationOf(options && options.documentAST, params.operationName);
    if (operation && operation.operation === "subscription") {
      return subscription(params, options.headers);
    }
    return http(params, options);
  }

  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: STARTING_QUERY,
      defaultEditorToolsVisibility: "headers",
      plugins: [explorer],
    })
  );
})();
