package dev.genie.persistence.sql;

import java.util.Objects;

/**
 * Tells an observer how many requests each batch of claims and of completions carried (see {@link
 * SqlStoreSettings#groupCommitMax()}); a request that went alone counts as a batch of one.
 */
public final class BatchSizes {
  /** What hears of each batch; called on the thread that ran it, so it must return at once. */
  @FunctionalInterface
  public interface Observer {
    /**
     * @param operation {@value #CLAIM} or {@value #COMPLETE}
     * @param size how many requests the batch carried
     */
    void batch(String operation, int size);
  }

  public static final String CLAIM = "claim";
  public static final String COMPLETE = "complete";

  private volatile Observer observer = (operation, size) -> {};

  BatchSizes() {}

  /** Replaces the observer. */
  public void observe(Observer observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  void claims(int size) {
    observer.batch(CLAIM, size);
  }

  void completions(int size) {
    observer.batch(COMPLETE, size);
  }
}
