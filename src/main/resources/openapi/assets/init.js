// Renders /openapi.json in the #swagger-ui element of /docs/api (ApiDocs). "Authorize" takes an API
// key for "Try it out"; nothing leaves this origin (no validator badge, no top bar to load other URLs).
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout'
});
