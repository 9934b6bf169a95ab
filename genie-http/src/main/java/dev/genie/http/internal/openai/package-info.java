/** Internal, not an API: the OpenAI-compatible surface ({@code /v1}) and its error shape. */
package dev.genie.http.internal.openai;
