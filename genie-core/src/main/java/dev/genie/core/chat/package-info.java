/**
 * Chat completions of the OpenAI-compatible surface: what identifies a request, and how a stored
 * request and its completion are read back.
 */
package dev.genie.core.chat;
