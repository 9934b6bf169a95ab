/**
 * Generators over any OpenAI-compatible chat-completions endpoint: {@code openai}, which writes
 * pages, and the chat generator of the OpenAI-compatible surface, which keeps the endpoint's
 * completion as it came; both call through one {@link dev.genie.generator.openai.OpenAiEndpoint},
 * with its retries, circuit breaker and limit on calls at once.
 */
package dev.genie.generator.openai;
