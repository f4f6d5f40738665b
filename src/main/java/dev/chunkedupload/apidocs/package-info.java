/**
 * The OpenAPI 3 description of the HTTP API ({@code /v3/api-docs}, Swagger UI at
 * {@code /swagger-ui.html}): springdoc reads the controllers, and the customizers here
 * add what annotations would have spread over every protocol package: the problem
 * answers, taken from each adapter's own problem table, and the headers and bodies of the
 * wire protocols (tus, Resumable Uploads for HTTP, resumable.js, django-chunked-upload),
 * which their controllers read from the raw request.
 */
package dev.chunkedupload.apidocs;
