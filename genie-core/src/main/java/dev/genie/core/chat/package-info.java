/** Chat completion requests of the OpenAI-compatible surface: what identifies one. */
package dev.genie.core.chat;
