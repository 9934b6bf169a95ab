package dev.genie.core;

/**
 * An error a caller of Genie can see. Its {@link #name()} is the code on the wire; the core's own
 * are {@link CoreErrorCode}, and a server adds those only it raises.
 */
public interface ErrorCode {
  /** The code as callers read it, in capitals: {@code INVALID_PROMPT}. */
  String name();
}
