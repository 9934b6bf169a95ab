/**
 * The {@code openai} generator: a model behind any OpenAI-compatible chat-completions endpoint,
 * with retries, a circuit breaker and a limit on calls at once.
 */
package dev.genie.generator.openai;
