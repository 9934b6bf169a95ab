/** Internal to the openai generator: transport, replies, backoff; not a public API. */
package dev.genie.generator.openai.internal;
