package dev.genie.generator.openai.internal;

/** The thread waiting for the endpoint was interrupted; its flag is set again. */
public final class UpstreamInterruptedException extends RuntimeException {
  UpstreamInterruptedException(InterruptedException cause) {
    super("interrupted while waiting for the endpoint", cause);
  }
}
