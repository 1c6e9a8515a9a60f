// Renders the OpenAPI document on /api/docs with the vendored Swagger UI. No validator badge: it would fetch an
// outside service.
(function () {
  var el = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: el.dataset.url,
    domNode: el,
    deepLinking: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    docExpansion: "none",
    defaultModelsExpandDepth: 0,
  });
})();
