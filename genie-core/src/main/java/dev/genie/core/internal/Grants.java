package dev.genie.core.internal;

import dev.genie.core.OrchestratorSettings;
import dev.genie.persistence.LeaseTerms;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The terms of every lease one orchestrator asks for. Each grant has an owner of its own: the
 * instance's id, this process's nonce (two instances may be given one id) and a number. A store
 * that retries a request whose answer was lost recognizes by it what that request was granted.
 */
public final class Grants {
  private final OrchestratorSettings settings;
  private final String owners;
  private final AtomicLong grants = new AtomicLong();

  public Grants(OrchestratorSettings settings) {
    this.settings = settings;
    this.owners =
        settings.instanceId()
            + "/"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt())
            + ".";
  }

  /** A lease at {@code now}, within the attempts configured. */
  public LeaseTerms terms(Instant now) {
    return new LeaseTerms(
        owners + grants.incrementAndGet(), now, settings.lease(), settings.maxAttempts());
  }

  /** Terms under which a failed result is taken over whatever its attempts: a chat result's. */
  public LeaseTerms unlimited(Instant now) {
    return new LeaseTerms(
        owners + grants.incrementAndGet(), now, settings.lease(), Integer.MAX_VALUE);
  }
}
