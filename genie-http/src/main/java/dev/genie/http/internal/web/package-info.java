/** Internal, not an API: the web page and its assets, the OpenAPI document, security headers. */
package dev.genie.http.internal.web;
