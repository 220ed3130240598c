// Starts Swagger UI on /schema (no inline script: the page runs under the portal's Content-Security-Policy).
// Cookie calls made from the UI carry the session's CSRF token, as the portal's own pages do.
(function () {
  'use strict';
  var container = document.getElementById('swagger-container');
  if (!container || typeof window.SwaggerUIBundle !== 'function') {
    return;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }
  window.SwaggerUIBundle({
    url: container.getAttribute('data-spec-url'),
    dom_id: '#swagger-container',
    deepLinking: true,
    requestInterceptor: function (request) {
      var token = csrfToken();
      if (token) {
        request.headers['x-csrftoken'] = token;
      }
      return request;
    }
  });
})();
